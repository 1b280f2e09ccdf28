/**
 * The no-load latency of each kind of request (a stream's endpoint: a page of sessions and a page of
 * messages differ), against which a window's latency is judged. A kind's latency is averaged over
 * its last few dozen answers (a plain mean until it has that many), and its floor is the lowest that
 * average has been. The floor creeps up slowly, so an API that became slower for good (not congested
 * by us) is accepted as the new normal within minutes.
 */
const SMOOTHING = 0.05;
/** Answers of a kind before its average is trusted as a floor. */
const WARM_UP_ANSWERS = 8;
/** The floor rises by this share per second unless a lower average is seen. */
const FLOOR_DRIFT_PER_SECOND = 0.003;

interface KindLatency {
  count: number;
  average: number;
  floor: number;
  at: number;
}

export class LatencyFloors {
  private readonly kinds = new Map<string, KindLatency>();

  /** Records one answer's latency and returns its kind's floor; null until the kind has one. */
  observe(kind: string, latencyMs: number, now: number): number | null {
    const latency = Math.max(0.1, latencyMs);
    let known = this.kinds.get(kind);
    if (known === undefined) {
      known = { count: 0, average: latency, floor: latency, at: now };
      this.kinds.set(kind, known);
    }
    known.count += 1;
    known.average += Math.max(SMOOTHING, 1 / known.count) * (latency - known.average);
    const drifted = known.floor * (1 + (FLOOR_DRIFT_PER_SECOND * Math.max(0, now - known.at)) / 1000);
    // Until the average spans enough answers there is no floor: one quick answer is not the norm.
    const warming = known.count < WARM_UP_ANSWERS;
    known.floor = warming ? known.average : Math.min(drifted, known.average);
    known.at = now;
    return warming ? null : known.floor;
  }
}
