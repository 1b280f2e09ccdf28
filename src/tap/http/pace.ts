/**
 * The pace finder behind adaptive concurrency, as a pure state machine over an injected clock:
 * additive increase (one slot per window while throughput rises and no 429 arrives), multiplicative
 * decrease (halve on a 429 or a latency blow-up). A 429 also teaches it the API's rate: starts are
 * then paced at just under the rate that was being admitted, probed upwards slowly, so a rate limit
 * is ridden at its edge instead of in a sawtooth below it.
 */
export interface PaceOptions {
  ceiling: number;
  /** Slots at the start (capped by the ceiling). */
  initial: number;
}

/** What one finished attempt tells the pace finder. */
export interface Outcome {
  startedAt: number;
  latencyMs: number;
  throttled: boolean;
}

/** How much a window's throughput must rise, per slot, to count as rising (noise margin). */
const RISE_MARGIN = 0.3;
/**
 * A window's mean latency this many times the usual (a slow average of past windows) and 100 ms
 * over it is a blow-up. The usual follows a lasting change, so a slower API stops being halved for.
 */
const BLOW_UP_FACTOR = 3;
const BLOW_UP_MIN_MS = 100;
const USUAL_WEIGHT = 0.1;
/** The learnt rate: this share of what was admitted when a 429 came. */
const RATE_BACKOFF = 0.97;
/** The learnt rate grows by this share every RATE_PROBE_MS without a 429. */
const RATE_PROBE = 0.01;
const RATE_PROBE_MS = 3000;
/** Successes remembered for the admitted-rate estimate, in buckets. */
const RATE_SPAN_MS = 1000;
const BUCKET_MS = 50;
const BUCKETS = RATE_SPAN_MS / BUCKET_MS;

/** Successes over the last second, counted in 50 ms buckets (constant memory at any rate). */
class RecentCount {
  private readonly counts = new Array<number>(BUCKETS).fill(0);
  private bucket = Number.NEGATIVE_INFINITY;

  add(now: number): void {
    this.advance(now);
    const index = this.bucket % BUCKETS;
    this.counts[index] = (this.counts[index] ?? 0) + 1;
  }

  perSecond(now: number): number {
    this.advance(now);
    return (this.counts.reduce((sum, count) => sum + count, 0) * 1000) / RATE_SPAN_MS;
  }

  private advance(now: number): void {
    const bucket = Math.floor(now / BUCKET_MS);
    if (bucket - this.bucket >= BUCKETS) this.counts.fill(0);
    else for (let b = this.bucket + 1; b <= bucket; b++) this.counts[b % BUCKETS] = 0;
    this.bucket = Math.max(this.bucket, bucket);
  }
}

export class PaceFinder {
  limit: number;
  /** Starts per second, once a 429 taught one; null: unpaced. */
  rate: number | null = null;
  /** No start before this time (a Retry-After that a paced client still ran into). */
  pausedUntil = 0;
  private decreasedAt = Number.NEGATIVE_INFINITY;
  private probedAt = 0;
  private windowStart: number;
  private windowDone = 0;
  private windowLatency = 0;
  private saturated = false;
  private throttled = false;
  private lastThroughput = 0;
  private usualLatency: number | null = null;
  /** The first window after a decrease still holds requests sent before it. */
  private settling = false;
  private readonly successes = new RecentCount();

  constructor(
    private readonly options: PaceOptions,
    now: number,
  ) {
    this.limit = Math.max(1, Math.min(options.initial, options.ceiling));
    this.windowStart = now;
  }

  /** Told whenever every slot is taken: only a full window says anything about more slots. */
  markSaturated(): void {
    this.saturated = true;
  }

  /** Told whenever a start waited for the pace: only then is probing a higher rate worth it. */
  markPaced(): void {
    this.pacedSinceProbe = true;
  }

  private pacedSinceProbe = false;

  onOutcome(outcome: Outcome, now: number, retryAfterMs: number | null): void {
    if (outcome.throttled) {
      this.onThrottled(outcome, now, retryAfterMs);
      return;
    }
    this.successes.add(now);
    this.windowDone += 1;
    this.windowLatency += outcome.latencyMs;
    this.probeRate(now);
    if (this.windowDone >= this.limit) this.closeWindow(now);
  }

  private onThrottled(outcome: Outcome, now: number, retryAfterMs: number | null): void {
    this.throttled = true;
    // Sent before the last decrease: that decrease already answered it.
    if (outcome.startedAt < this.decreasedAt) return;
    const admitted = this.admittedRate(now);
    const recentlyDecreased = now - this.decreasedAt < 2 * RATE_SPAN_MS;
    // A rate is learnt only from a busy second; a 429 out of the blue teaches nothing about it.
    if (admitted >= this.limit)
      this.rate = Math.min(this.rate ?? Number.POSITIVE_INFINITY, admitted * RATE_BACKOFF);
    // Paced and still refused: the API's window is full; wait as it asks before any new start.
    if (recentlyDecreased && retryAfterMs !== null)
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.decrease(now);
  }

  private decrease(now: number): void {
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.decreasedAt = now;
    this.probedAt = now;
    this.settling = true;
    this.resetWindow(now);
    this.lastThroughput = 0;
  }

  private admittedRate(now: number): number {
    return this.successes.perSecond(now);
  }

  private probeRate(now: number): void {
    if (this.rate === null || now - this.probedAt < RATE_PROBE_MS) return;
    this.probedAt = now;
    if (this.pacedSinceProbe) this.rate += Math.max(1, this.rate * RATE_PROBE);
    this.pacedSinceProbe = false;
  }

  private closeWindow(now: number): void {
    const elapsed = Math.max(1, now - this.windowStart);
    const throughput = (this.windowDone * 1000) / elapsed;
    const meanLatency = this.windowLatency / this.windowDone;
    const usual = this.usualLatency ?? meanLatency;
    const blownUp =
      !this.settling && meanLatency > usual * BLOW_UP_FACTOR && meanLatency - usual > BLOW_UP_MIN_MS;
    this.usualLatency = usual + USUAL_WEIGHT * (meanLatency - usual);
    const settled = !this.settling;
    this.settling = false;
    if (blownUp) {
      this.decrease(now);
      return;
    }
    const rising = throughput >= this.lastThroughput * (1 + RISE_MARGIN / this.limit);
    // Once paced, the pace is what holds the rate: slots grow (one a window) until they can carry it.
    const short = this.rate !== null && this.limit < Math.ceil((this.rate * meanLatency) / 1000) + 1;
    const grow = settled && this.saturated && !this.throttled && (rising || short);
    if (grow && this.limit < this.options.ceiling) this.limit += 1;
    this.lastThroughput = throughput;
    this.resetWindow(now);
  }

  private resetWindow(now: number): void {
    this.windowStart = now;
    this.windowDone = 0;
    this.windowLatency = 0;
    this.saturated = false;
    this.throttled = false;
  }
}
