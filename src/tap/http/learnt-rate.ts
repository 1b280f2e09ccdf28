/**
 * The API's rate limit as a 429 taught it: starts are paced just under the rate that was being
 * admitted when the 429 came. The rate is evidence that ages, not a ceiling: each second without a
 * 429 it grows, by 1% x (seconds since the last 429)^2 (slowly next to a 429, then faster: x3.4
 * after 7 s, x20 after 10 s), and a second in which the pace held nothing back forgets it (starts
 * are unpaced again). So
 * a real limit is ridden at its edge, and a short 429 storm costs seconds, not the rest of the
 * sync. One 429 at most halves what an earlier one taught.
 */
/** The learnt rate: this share of what was admitted when a 429 came. */
const RATE_BACKOFF = 0.97;
/** Every RATE_PROBE_MS without a 429 the rate grows by RATE_PROBE x (seconds since the 429)^2. */
const RATE_PROBE = 0.01;
const RATE_PROBE_MS = 1000;
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

export class LearntRate {
  /** Starts per second; null: unpaced. */
  rate: number | null = null;
  /** No start before this time (a Retry-After that a paced client still ran into). */
  pausedUntil = 0;
  private throttledAt = Number.NEGATIVE_INFINITY;
  private probedAt = 0;
  private pacedSinceProbe = false;
  private readonly successes = new RecentCount();

  start(now: number): void {
    this.probedAt = now;
  }

  markPaced(): void {
    this.pacedSinceProbe = true;
  }

  onSuccess(now: number): void {
    this.successes.add(now);
    this.age(now);
  }

  /** A 429 to a request sent after the last decrease; `slots` were in use. */
  onThrottled(now: number, slots: number, retryAfterMs: number | null): void {
    const admitted = this.successes.perSecond(now);
    const recentlyThrottled = now - this.throttledAt < 2 * RATE_SPAN_MS;
    // A rate is learnt only from a busy second; a 429 out of the blue teaches nothing about it.
    if (admitted >= slots) {
      const floor = this.rate === null ? 0 : this.rate / 2;
      this.rate = Math.max(floor, admitted * RATE_BACKOFF);
    }
    // Paced and still refused: the API's window is full; wait as it asks before any new start.
    if (recentlyThrottled && retryAfterMs !== null)
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.throttledAt = now;
    this.probedAt = now;
  }

  /** Probes the rate upwards, faster the longer no 429 came; forgets it once the pace held nothing back. */
  private age(now: number): void {
    if (this.rate === null || now - this.probedAt < RATE_PROBE_MS) return;
    this.probedAt = now;
    const quietSeconds = (now - this.throttledAt) / 1000;
    if (this.pacedSinceProbe) this.rate *= 1 + RATE_PROBE * quietSeconds ** 2;
    else this.rate = null;
    this.pacedSinceProbe = false;
  }
}
