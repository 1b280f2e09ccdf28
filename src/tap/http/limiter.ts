import { type Outcome, PaceFinder } from './pace.js';

/** The bound on requests in flight, shared by every stream of a read. */
export interface RequestLimiter {
  /** Resolves when a request may start; returns its start time. */
  acquire(): Promise<number>;
  /** The request is done; what it met (a 429, its latency) steers an adaptive limiter. */
  release(outcome: Outcome, retryAfterMs: number | null): void;
  /** Slots now (the ceiling for a fixed limiter). */
  readonly limit: number;
  /** Most requests that were ever in flight at once. */
  readonly peakInFlight: number;
  /** Starts per second while paced (adaptive, after a 429); null: unpaced. */
  readonly rate: number | null;
}

type Clock = () => number;

/** Where a paced limiter sets its wake-ups (the real timers; a virtual clock's in tests). */
export interface Timers {
  set(wake: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  set: (wake, ms) => setTimeout(wake, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** max_concurrency slots, always (adaptive_concurrency: false). */
export class FixedLimiter implements RequestLimiter {
  private inFlight = 0;
  peakInFlight = 0;
  readonly rate = null;
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly limit: number,
    private readonly now: Clock,
  ) {}

  async acquire(): Promise<number> {
    if (this.inFlight < this.limit) this.inFlight += 1;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    return this.now();
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}

/** Slots found by a PaceFinder below the ceiling; starts paced once the API showed a rate limit. */
export class AdaptiveLimiter implements RequestLimiter {
  private readonly finder: PaceFinder;
  private inFlight = 0;
  peakInFlight = 0;
  private readonly waiters: ((startedAt: number) => void)[] = [];
  private nextStartAt = 0;
  private timer: unknown = null;

  /** Starts at 2 slots: a latency floor is measured before there is load to congest the API. */
  constructor(
    ceiling: number,
    private readonly now: Clock,
    private readonly timers: Timers = REAL_TIMERS,
  ) {
    this.finder = new PaceFinder({ ceiling, initial: 2 }, now());
  }

  get limit(): number {
    return this.finder.limit;
  }

  /** Starts per second while paced (null: unpaced). */
  get rate(): number | null {
    return this.finder.rate;
  }

  acquire(): Promise<number> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
  }

  release(outcome: Outcome, retryAfterMs: number | null): void {
    this.inFlight -= 1;
    this.finder.onOutcome(outcome, this.now(), retryAfterMs);
    this.pump();
  }

  private pump(): void {
    while (this.waiters.length > 0 && this.inFlight < this.finder.limit) {
      const now = this.now();
      const at = Math.max(this.finder.pausedUntil, this.finder.rate === null ? 0 : this.nextStartAt);
      if (now < at) {
        this.finder.markPaced();
        this.wakeAt(at - now);
        return;
      }
      if (this.finder.rate !== null) {
        // On the schedule, not after the (late) timer: lateness does not pile up into a slower pace.
        const spacing = 1000 / this.finder.rate;
        this.nextStartAt = Math.max(this.nextStartAt, now - spacing) + spacing;
      }
      this.inFlight += 1;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      this.waiters.shift()?.(now);
    }
    if (this.waiters.length > 0) this.finder.markSaturated();
  }

  private wakeAt(ms: number): void {
    if (this.timer !== null) return;
    this.timer = this.timers.set(() => {
      this.timer = null;
      this.pump();
    }, Math.ceil(ms));
  }

  /** Drops a pending wake-up (the client is closing). */
  stop(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }
}
