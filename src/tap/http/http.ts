import type { TapConfig } from '../config.js';
import { RetryExhaustedError, RunEndingApiError } from '../errors.js';
import { scrubToken } from '../redact.js';
import { apiErrorFor } from './http-errors.js';
import { AdaptiveLimiter, FixedLimiter, type RequestLimiter } from './limiter.js';
import { requestPath, requestTarget } from './request-url.js';
import {
  actionFor,
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  delayForFailure,
  describeFailure,
  type Failure,
  parseRetryAfter,
} from './retry-policy.js';
import type { Semaphore } from './semaphore.js';
import { AttemptError, Transport } from './transport.js';
import { userAgent } from './user-agent.js';

export type QueryValue = string | number | boolean;
export type Query = Readonly<Record<string, QueryValue | readonly QueryValue[] | undefined>>;

/** Requests and retries made for one stream (live: the reader reports them in progress events). */
export interface RequestCounters {
  requests: number;
  retries: number;
  /** Wall time spent on requests, retries and their back-off included (Singer's request timer). */
  requestMs?: number;
}

export interface RequestContext {
  stream: string;
  /** Named in the error of a 403. */
  permission: string;
  counters: RequestCounters;
  signal?: AbortSignal;
  /** Told about each retry, with a message fit for a log line. */
  onRetry?: (message: string) => void;
}

export interface HttpClient {
  /** GET a path (relative to base_url) and return its parsed JSON body; throws typed errors. */
  getJson(path: string, query: Query, context: RequestContext): Promise<unknown>;
  /** Slots the client may use now, and the most it ever had in flight (adaptive concurrency). */
  concurrency(): { limit: number; peakInFlight: number; rate: number | null };
  close(): void;
}

export interface HttpClock {
  nowMs(): number;
  random(): number;
  /** Waits between attempts; resolves early (without error) when the signal aborts. */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface HttpOptions {
  backoff?: BackoffPolicy;
  clock?: HttpClock;
  /** Overrides config.maxRetries (check uses fewer). */
  maxRetries?: number;
  /** false: a request that timed out is not tried again (doctor waits one request timeout, not three). */
  retryTimeouts?: boolean;
  /** Told once about an error that ends the whole run (a rejected token, a redirect). */
  onRunEnding?: (error: RunEndingApiError) => void;
  /** Environment for proxy variables (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** Ignored: the client keeps its own limiter (kept so older callers still compile). */
  semaphore?: Semaphore;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export const DEFAULT_MAX_RESPONSE_MB = 256;

const SYSTEM_CLOCK: HttpClock = { nowMs: () => Date.now(), random: () => Math.random(), sleep: realSleep };

function limiterFor(config: TapConfig, now: () => number): RequestLimiter {
  return config.adaptiveConcurrency !== false
    ? new AdaptiveLimiter(config.maxConcurrency, now)
    : new FixedLimiter(config.maxConcurrency, now);
}

/**
 * The tap's HTTP client: undici under one deadline per attempt, a body cap, our own retry loop
 * over the retry-policy table (sleep, clock and random injected), and a shared limiter on requests
 * in flight. A body is parsed only after the token is scrubbed from it.
 */
export function createHttpClient(config: TapConfig, options: HttpOptions = {}): HttpClient {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const sleep = clock.sleep ?? realSleep;
  const maxRetries = options.maxRetries ?? config.maxRetries;
  const now = () => clock.nowMs();
  const limiter = limiterFor(config, () => performance.now());
  const target = requestTarget(config.baseUrl);
  const transport = new Transport({
    origin: target.origin,
    connections: config.maxConcurrency,
    timeoutMs: config.requestTimeoutSeconds * 1000,
    capBytes: (config.maxResponseMb ?? DEFAULT_MAX_RESPONSE_MB) * 1_048_576,
    headers: {
      authorization: `Bearer ${config.apiToken}`,
      accept: 'application/json',
      'accept-encoding': 'gzip',
      'user-agent': userAgent(),
    },
    env: options.env ?? process.env,
  });
  let ended = false;

  /** One attempt under the limiter: the parsed body, or the AttemptError it met. */
  async function attempt(path: string, kind: string, signal: AbortSignal | undefined): Promise<unknown> {
    const startedAt = await limiter.acquire();
    let failure: Failure | null = null;
    try {
      const text = scrubToken(await transport.get(path, signal), config.apiToken);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        failure = { kind: 'bad_body' };
        throw new AttemptError(failure);
      }
    } catch (error) {
      if (error instanceof AttemptError) failure = error.failure;
      throw error;
    } finally {
      const throttled = failure?.kind === 'status' && failure.status === 429;
      const asked =
        throttled && failure?.kind === 'status' ? parseRetryAfter(failure.retryAfter, now()) : null;
      const retryAfter = asked === null ? null : Math.min(asked, backoff.retryAfterCapMs);
      const latencyMs = performance.now() - startedAt;
      limiter.release({ startedAt, latencyMs, throttled, kind }, retryAfter);
    }
  }

  async function getJson(path: string, query: Query, context: RequestContext): Promise<unknown> {
    const url = requestPath(target, path, query);
    const started = performance.now();
    try {
      for (let retry = 0; ; retry++) {
        context.counters.requests += 1;
        try {
          return await attempt(url, context.stream, context.signal);
        } catch (error) {
          if (!(error instanceof AttemptError)) throw error;
          const action = actionFor(error.failure);
          if (action === 'canceled') throw context.signal?.reason ?? new Error('request canceled');
          if (action !== 'retry') throw failWith(action, error, path, context);
          const noMore = options.retryTimeouts === false && error.failure.kind === 'timeout';
          if (retry >= maxRetries || noMore) throw exhausted(path, context, retry + 1, error.failure);
          const wait = delayForFailure(retry + 1, error.failure, backoff, clock);
          context.counters.retries += 1;
          const what = describeFailure(error.failure);
          context.onRetry?.(`${context.stream}: ${what} on GET ${path}; retry ${retry + 1} of ${maxRetries}`);
          await sleep(wait, context.signal);
          if (context.signal?.aborted) throw context.signal.reason;
        }
      }
    } finally {
      context.counters.requestMs = (context.counters.requestMs ?? 0) + (performance.now() - started);
    }
  }

  function failWith(
    action: Exclude<ReturnType<typeof actionFor>, 'retry' | 'canceled'>,
    error: AttemptError,
    path: string,
    context: RequestContext,
  ): Error {
    const failure = apiErrorFor(action, error.failure, path, context, error.body, config);
    if (failure instanceof RunEndingApiError && !ended) {
      ended = true;
      options.onRunEnding?.(failure);
    }
    return failure;
  }

  return {
    getJson,
    concurrency: () => ({ limit: limiter.limit, peakInFlight: limiter.peakInFlight, rate: limiter.rate }),
    close() {
      if (limiter instanceof AdaptiveLimiter) limiter.stop();
      transport.close();
    },
  };
}

function exhausted(
  path: string,
  context: RequestContext,
  attempts: number,
  last: Failure,
): RetryExhaustedError {
  return new RetryExhaustedError(
    `${context.stream}: GET ${path} failed after ${attempts} attempts (last: ${describeFailure(last, { detail: true })})`,
    path,
    attempts,
    last.kind === 'status' ? last.status : undefined,
  );
}
