import { LatencyFloors } from './latency-floor.js';
import { LearntRate } from './learnt-rate.js';

/**
 * The pace finder behind adaptive concurrency, as a pure state machine over an injected clock.
 * Slots follow latency (a gradient on the latency floor, after Netflix's Gradient2 and TCP Vegas):
 * once per window of `limit` answers, the slots become limit x gradient + a small queue allowance,
 * where gradient = floor / latency of that window (at most 1, at least 1/2); before latency first
 * leaves its floor they double (slow start). A server that answers as fast with more requests in
 * flight lets them grow to the ceiling; one that congests (latency rising with requests in flight)
 * holds them near its best concurrency. A 429 halves the slots and teaches a rate (see
 * LearntRate), which ages: once 429s stop, starts are unpaced again within seconds.
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
  /** The kind of request (its stream): latency floors are kept per kind. */
  kind?: string;
}

/** A window's latency may exceed its floor by this factor before slots shrink (measurement noise). */
const TOLERANCE = 1.1;
const MIN_GRADIENT = 0.5;
/** Weight of a window's target in the new slot estimate. */
const SMOOTHING = 0.5;

/** Requests a server may queue beyond the no-load concurrency: a quarter of the slots, sqrt(limit) above 16. */
function queueAllowance(limit: number): number {
  return Math.min(limit / 4, Math.sqrt(limit));
}

export class PaceFinder {
  /** Slots as a real number; `limit` is its whole part. */
  private estimate: number;
  private readonly learnt = new LearntRate();
  private readonly floors = new LatencyFloors();
  private decreasedAt = Number.NEGATIVE_INFINITY;
  private windowDone = 0;
  private windowLatency = 0;
  private windowFloor = 0;
  private saturated = false;
  private throttled = false;
  private warming = false;
  private slowStart = true;
  /** The first window after a decrease still holds requests sent before it. */
  private settling = false;

  constructor(
    private readonly options: PaceOptions,
    now: number,
  ) {
    this.estimate = Math.max(1, Math.min(options.initial, options.ceiling));
    this.learnt.start(now);
  }

  get limit(): number {
    return Math.max(1, Math.min(this.options.ceiling, Math.floor(this.estimate)));
  }

  /** Starts per second, once a 429 taught one and while it is fresh; null: unpaced. */
  get rate(): number | null {
    return this.learnt.rate;
  }

  /** No start before this time (a Retry-After that a paced client still ran into). */
  get pausedUntil(): number {
    return this.learnt.pausedUntil;
  }

  /** Told whenever every slot is taken: only a full window says anything about more slots. */
  markSaturated(): void {
    this.saturated = true;
  }

  /** Told whenever a start waited for the pace: only then is probing a higher rate worth it. */
  markPaced(): void {
    this.learnt.markPaced();
  }

  onOutcome(outcome: Outcome, now: number, retryAfterMs: number | null): void {
    if (outcome.throttled) {
      this.onThrottled(outcome, now, retryAfterMs);
      return;
    }
    this.learnt.onSuccess(now);
    this.windowDone += 1;
    this.windowLatency += outcome.latencyMs;
    const floor = this.floors.observe(outcome.kind ?? '', outcome.latencyMs, now);
    // A kind without a floor yet (its first answers) is measured where it is: no growth meanwhile.
    if (floor === null) this.warming = true;
    this.windowFloor += floor ?? outcome.latencyMs;
    if (this.windowDone >= this.limit) this.closeWindow();
  }

  private onThrottled(outcome: Outcome, now: number, retryAfterMs: number | null): void {
    this.throttled = true;
    // Sent before the last decrease: that decrease already answered it.
    if (outcome.startedAt < this.decreasedAt) return;
    this.learnt.onThrottled(now, this.limit, retryAfterMs);
    this.slowStart = false;
    this.estimate = Math.max(1, Math.floor(this.limit / 2));
    this.decreasedAt = now;
    this.settling = true;
    this.resetWindow();
  }

  /** floor / latency of the window (with a tolerance for noise), from 1/2 to 1. */
  private gradient(): number {
    const ratio = (TOLERANCE * this.windowFloor) / Math.max(0.1, this.windowLatency);
    return Math.max(MIN_GRADIENT, Math.min(1, ratio));
  }

  /** Once paced, the pace is what holds the rate: the slots it takes to carry it (1 unpaced). */
  private slotsToCarryRate(): number {
    const rate = this.learnt.rate;
    if (rate === null) return 1;
    return Math.ceil((rate * this.windowLatency) / this.windowDone / 1000) + 1;
  }

  private closeWindow(): void {
    const gradient = this.gradient();
    // Slow start (as TCP's): until latency first rises above its floor, or a 429, the slots double.
    if (gradient < 1 || this.throttled) this.slowStart = false;
    const target = this.slowStart
      ? 2 * this.estimate
      : this.estimate * gradient + queueAllowance(this.estimate);
    // Growth needs a full window with no 429 (idle slots prove nothing); shrinking needs neither.
    const judged = this.settling ? this.estimate : target;
    const grows = this.saturated && !this.throttled && !this.warming;
    const allowed = grows ? judged : Math.min(this.estimate, judged);
    const next = Math.max(this.estimate * (1 - SMOOTHING) + allowed * SMOOTHING, this.slotsToCarryRate());
    this.estimate = Math.max(1, Math.min(this.options.ceiling, next));
    this.settling = false;
    this.resetWindow();
  }

  private resetWindow(): void {
    this.windowDone = 0;
    this.windowLatency = 0;
    this.windowFloor = 0;
    this.saturated = false;
    this.throttled = false;
    this.warming = false;
  }
}
