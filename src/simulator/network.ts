import { hash, Rng, TAG } from './core/random.js';

export interface NetworkOptions {
  latencyMs: number;
  /** Requests per second over a sliding one-second window; 0 = unlimited. */
  rateLimit: number;
  /** Fraction of requests (0..1) that fail with a fault. */
  faultRate: number;
}

export type Fault = 'none' | 'status500' | 'status502' | 'status503' | 'drop' | 'truncate';
const FAULTS: readonly Fault[] = ['status500', 'status502', 'status503', 'drop', 'truncate'];

export function validateNetwork(options: Partial<NetworkOptions>): void {
  const { latencyMs, rateLimit, faultRate } = options;
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    throw new RangeError('latencyMs must be a number >= 0');
  }
  if (rateLimit !== undefined && !(Number.isFinite(rateLimit) && rateLimit >= 0)) {
    throw new RangeError('rateLimit must be a number >= 0 (0 = off)');
  }
  if (faultRate !== undefined && !(faultRate >= 0 && faultRate <= 1)) {
    throw new RangeError('faultRate must be a number from 0 to 1');
  }
}

/** Latency, rate limiting and faults; deterministic for a seed given the same request order. */
export class Network {
  private readonly options: NetworkOptions;
  private readonly admitted: number[] = [];
  private readonly rng: Rng;
  private limited = 0;

  constructor(seed: number, options: NetworkOptions) {
    validateNetwork(options);
    this.options = { ...options };
    this.rng = new Rng(hash(seed, TAG.faults));
  }

  set(options: Partial<NetworkOptions>): void {
    validateNetwork(options);
    for (const [key, value] of Object.entries(options) as [keyof NetworkOptions, number | undefined][]) {
      if (value !== undefined) this.options[key] = value;
    }
    this.admitted.length = 0;
  }

  current(): NetworkOptions {
    return { ...this.options };
  }

  delay(): Promise<void> | null {
    const ms = this.options.latencyMs;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : null;
  }

  /** null when admitted, else the Retry-After value: whole seconds, every fourth time an HTTP date. */
  retryAfter(nowMs: number): string | null {
    const limit = this.options.rateLimit;
    if (limit <= 0) return null;
    while (this.admitted.length > 0 && (this.admitted[0] ?? 0) <= nowMs - 1000) this.admitted.shift();
    if (this.admitted.length < limit) {
      this.admitted.push(nowMs);
      return null;
    }
    const seconds = Math.max(1, Math.ceil(((this.admitted[0] ?? nowMs) + 1000 - nowMs) / 1000));
    this.limited++;
    if (this.limited % 4 !== 0) return String(seconds);
    // An HTTP date has whole seconds: round up so a client waiting until then is admitted.
    return new Date(Math.ceil((nowMs + seconds * 1000) / 1000) * 1000).toUTCString();
  }

  fault(): Fault {
    if (this.options.faultRate <= 0 || !this.rng.chance(this.options.faultRate)) return 'none';
    return this.rng.pick(FAULTS);
  }
}
