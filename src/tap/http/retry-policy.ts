/**
 * Retry decisions and delays as pure functions: what a failed request means (a table keyed by
 * status), and how long to wait before the next attempt (exponential backoff with jitter, or the
 * server's Retry-After). The clock and the random source are passed in, so tests are deterministic.
 */

/** What went wrong with one attempt, independent of the HTTP library. */
export type Failure =
  | { kind: 'status'; status: number; retryAfter?: string; location?: string; detail?: string }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string }
  | { kind: 'bad_body' }
  | { kind: 'too_large'; limitBytes: number }
  | { kind: 'canceled' };

export type FailAction =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_request'
  | 'client_error'
  | 'redirect'
  | 'too_large';
export type Action = 'retry' | FailAction;

/**
 * Status -> action. Statuses missing here: 3xx fail as redirect (never followed: the token must not
 * travel to another host), 5xx retry, any other 4xx fails as client_error.
 */
export const STATUS_ACTIONS: Readonly<Record<number, Action>> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  408: 'retry',
  422: 'invalid_request',
  425: 'retry',
  429: 'retry',
};

export function actionFor(failure: Failure): Action | 'canceled' {
  switch (failure.kind) {
    case 'status': {
      const listed = STATUS_ACTIONS[failure.status];
      if (listed) return listed;
      if (failure.status >= 300 && failure.status <= 399) return 'redirect';
      return failure.status >= 500 && failure.status <= 599 ? 'retry' : 'client_error';
    }
    case 'canceled':
      return 'canceled';
    case 'too_large':
      return 'too_large';
    default:
      return 'retry';
  }
}

export interface BackoffPolicy {
  /** Delay before the first retry; doubles on each further retry. */
  baseDelayMs: number;
  /** Ceiling of one exponential delay. */
  maxDelayMs: number;
  /** Ceiling of a server-requested Retry-After wait. */
  retryAfterCapMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  retryAfterCapMs: 60_000,
};

/**
 * Retry-After as milliseconds to wait: delta-seconds ("120") or an HTTP date (RFC 9110 §10.2.3),
 * measured against `nowMs`. Null when absent or unparsable; never negative.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | null {
  if (header === undefined) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^[A-Za-z]{3},/.test(text)) return null; // an IMF-fixdate starts with the day name
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * Milliseconds to wait before retry number `retry` (1-based).
 * - The floor is "equal jitter": half the exponential delay fixed, half random, so the wait lies in
 *   [d/2, d] with d = min(maxDelayMs, baseDelayMs * 2^(retry-1)).
 * - A Retry-After (capped, plus up to 10% jitter so clients do not return in step) can lengthen that
 *   wait, never shorten it: `Retry-After: 0` or a date in the past must not turn backoff into a spin.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | null,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jitter = random();
  const floor = Math.round(ceiling / 2 + (ceiling / 2) * jitter);
  if (retryAfterMs === null) return floor;
  const wait = Math.min(retryAfterMs, policy.retryAfterCapMs);
  const asked = Math.min(policy.retryAfterCapMs, Math.round(wait * (1 + 0.1 * jitter)));
  return Math.max(floor, asked);
}

/** The delay for a failure: Retry-After applies to any status that carries it (429, 503). */
export function delayForFailure(
  retry: number,
  failure: Failure,
  policy: BackoffPolicy,
  clock: { nowMs(): number; random(): number },
): number {
  const retryAfter = failure.kind === 'status' ? parseRetryAfter(failure.retryAfter, clock.nowMs()) : null;
  return retryDelayMs(retry, retryAfter, policy, () => clock.random());
}

/** undici's codes for a connection the server closed, in words. */
const NETWORK_WORDS: Readonly<Record<string, string>> = {
  UND_ERR_SOCKET: 'closed by the server',
  ERR_BODY_CLOSED: 'body cut off',
};

/** A failure in words; `detail` adds an error body's title and detail (the last cause of a give-up). */
export function describeFailure(failure: Failure, options: { detail?: boolean } = {}): string {
  switch (failure.kind) {
    case 'status':
      return options.detail && failure.detail
        ? `HTTP ${failure.status}: ${failure.detail}`
        : `HTTP ${failure.status}`;
    case 'timeout':
      return 'timed out';
    case 'network':
      return `connection failed (${NETWORK_WORDS[failure.code] ?? failure.code})`;
    case 'bad_body':
      return 'response body was not valid JSON';
    case 'too_large':
      return `response larger than ${Math.round(failure.limitBytes / 1_048_576)} MB`;
    case 'canceled':
      return 'canceled';
  }
}
