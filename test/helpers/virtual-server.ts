import { setImmediate as turn } from 'node:timers/promises';
import type { RequestLimiter, Timers } from '../../src/tap/http/limiter.js';

/** A server's latency, in ms, for a request that arrives with `inFlight` requests (itself included). */
export type LatencyModel = (inFlight: number) => number;

/** No congestion: every request takes `ms`, however many are in flight. */
export const flat =
  (ms: number): LatencyModel =>
  () =>
    ms;

/** A server that congests: `baseMs` alone, growing with the square of the requests in flight / `knee`. */
export const congesting =
  (baseMs: number, knee: number): LatencyModel =>
  (inFlight) =>
    baseMs * (1 + (inFlight / knee) ** 2);

export interface VirtualOptions {
  /** Callers waiting on the limiter at once (a read's fan-out). */
  workers?: number;
  /** True when the request arriving at `atMs` (the `index`th arrival) is answered 429; it is retried. */
  throttle?: (atMs: number, index: number) => boolean;
}

export interface VirtualRun {
  /** Virtual ms from the first start to the last answer. */
  elapsedMs: number;
  peakInFlight: number;
  /** Virtual ms of the last 429 (null: none). */
  lastThrottleMs: number | null;
  /** Virtual ms at which the limiter was unpaced again after the last 429 (null: never). */
  unpacedAtMs: number | null;
}

/** A virtual clock: time moves only to the next due event, so nothing depends on the machine. */
class VirtualTime implements Timers {
  now = 0;
  private events: { at: number; fire: () => void }[] = [];

  at(at: number, fire: () => void): { at: number; fire: () => void } {
    const event = { at, fire };
    this.events.push(event);
    return event;
  }

  set(wake: () => void, ms: number): unknown {
    return this.at(this.now + ms, wake);
  }

  clear(handle: unknown): void {
    this.events = this.events.filter((event) => event !== handle);
  }

  /** Fires the next event; false when none is left. */
  step(): boolean {
    this.events.sort((a, b) => a.at - b.at);
    const next = this.events.shift();
    if (next === undefined) return false;
    this.now = Math.max(this.now, next.at);
    next.fire();
    return true;
  }
}

/**
 * `requests` requests through a limiter against a latency model, on a virtual clock (figures do
 * not depend on the machine). The limiter must read its time from `clock` and set its wake-ups on
 * `timers`.
 */
export async function runVirtual(
  makeLimiter: (clock: () => number, timers: Timers) => RequestLimiter,
  model: LatencyModel,
  requests: number,
  options: VirtualOptions = {},
): Promise<VirtualRun> {
  const time = new VirtualTime();
  const limiter = makeLimiter(() => time.now, time);
  const run: VirtualRun = { elapsedMs: 0, peakInFlight: 0, lastThrottleMs: null, unpacedAtMs: null };
  let inFlight = 0;
  let issued = 0;
  let arrivals = 0;
  let answered = 0;
  const once = async (): Promise<boolean> => {
    const startedAt = await limiter.acquire();
    inFlight += 1;
    run.peakInFlight = Math.max(run.peakInFlight, inFlight);
    const throttled = options.throttle?.(time.now, arrivals++) ?? false;
    await new Promise<void>((answer) => time.at(time.now + model(inFlight), answer));
    inFlight -= 1;
    if (throttled) run.lastThrottleMs = time.now;
    limiter.release({ startedAt, latencyMs: time.now - startedAt, throttled, kind: 'pages' }, null);
    if (limiter.rate !== null) run.unpacedAtMs = null;
    else if (run.lastThrottleMs !== null && run.unpacedAtMs === null) run.unpacedAtMs = time.now;
    return !throttled;
  };
  const worker = async () => {
    while (issued < requests) {
      issued += 1;
      while (!(await once())) {}
      answered += 1;
    }
  };
  const all = Promise.all(Array.from({ length: options.workers ?? 64 }, worker));
  while (answered < requests) {
    await turn(); // every caller that can start does so before time moves on
    if (!time.step()) break;
  }
  await all;
  run.elapsedMs = time.now;
  return run;
}
