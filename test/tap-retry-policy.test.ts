import { describe, expect, it } from 'vitest';
import {
  actionFor,
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  delayForFailure,
  parseRetryAfter,
  retryDelayMs,
} from '../src/tap/http/retry-policy.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const policy: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 1000, retryAfterCapMs: 60_000 };
const clock = (random: number) => ({ nowMs: () => NOW, random: () => random });

describe('actionFor', () => {
  const table: [Parameters<typeof actionFor>[0], string][] = [
    [{ kind: 'status', status: 401 }, 'unauthorized'],
    [{ kind: 'status', status: 403 }, 'forbidden'],
    [{ kind: 'status', status: 404 }, 'not_found'],
    [{ kind: 'status', status: 422 }, 'invalid_request'],
    [{ kind: 'status', status: 400 }, 'client_error'],
    [{ kind: 'status', status: 429 }, 'retry'],
    [{ kind: 'status', status: 500 }, 'retry'],
    [{ kind: 'status', status: 502 }, 'retry'],
    [{ kind: 'status', status: 503 }, 'retry'],
    [{ kind: 'status', status: 599 }, 'retry'],
    [{ kind: 'timeout' }, 'retry'],
    [{ kind: 'network', code: 'ECONNRESET' }, 'retry'],
    [{ kind: 'bad_body' }, 'retry'],
    [{ kind: 'canceled' }, 'canceled'],
  ];
  for (const [failure, action] of table) {
    it(`${JSON.stringify(failure)} -> ${action}`, () => expect(actionFor(failure)).toBe(action));
  }
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });
  it('reads an HTTP date against the injected clock', () => {
    expect(parseRetryAfter(new Date(NOW + 9000).toUTCString(), NOW)).toBe(9000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', NOW)).toBe(30_000);
  });
  it('never returns a negative wait for a past date', () => {
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
  });
  it('ignores a missing or garbled header', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-3', NOW)).toBeNull();
  });
});

describe('retryDelayMs', () => {
  it('doubles per retry within [d/2, d] (equal jitter)', () => {
    expect([1, 2, 3, 4].map((retry) => retryDelayMs(retry, null, policy, () => 0))).toEqual([
      50, 100, 200, 400,
    ]);
    expect([1, 2, 3, 4].map((retry) => retryDelayMs(retry, null, policy, () => 1))).toEqual([
      100, 200, 400, 800,
    ]);
    expect(retryDelayMs(2, null, policy, () => 0.5)).toBe(150);
  });
  it('caps the exponential delay at maxDelayMs', () => {
    expect(retryDelayMs(10, null, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(10, null, policy, () => 0)).toBe(500);
  });
  it('waits at least Retry-After, with up to 10% jitter on top', () => {
    expect(retryDelayMs(1, 2000, policy, () => 0)).toBe(2000);
    expect(retryDelayMs(1, 2000, policy, () => 1)).toBe(2200);
  });
  it('never waits less than the exponential floor, whatever Retry-After says', () => {
    // Retry-After: 0 (or a date in the past, parsed as 0) used to skip the backoff: six attempts in ~1 s.
    expect([1, 2, 3, 4].map((retry) => retryDelayMs(retry, 0, policy, () => 0))).toEqual([50, 100, 200, 400]);
    expect(retryDelayMs(4, 10, policy, () => 1)).toBe(800);
    expect(retryDelayMs(10, 0, policy, () => 0)).toBe(500);
  });
  it('caps a long Retry-After', () => {
    expect(retryDelayMs(1, 3_600_000, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(1, 3_600_000, DEFAULT_BACKOFF, () => 0)).toBe(DEFAULT_BACKOFF.retryAfterCapMs);
  });
});

describe('delayForFailure', () => {
  it('honours Retry-After in seconds on a 429', () => {
    expect(delayForFailure(1, { kind: 'status', status: 429, retryAfter: '3' }, policy, clock(0))).toBe(3000);
  });
  it('honours Retry-After as an HTTP date on a 503', () => {
    const retryAfter = new Date(NOW + 4000).toUTCString();
    expect(delayForFailure(1, { kind: 'status', status: 503, retryAfter }, policy, clock(0))).toBe(4000);
  });
  it('a Retry-After of 0 or a past date keeps the exponential floor', () => {
    const past = new Date(NOW - 60_000).toUTCString();
    for (const retryAfter of ['0', past]) {
      const failure = { kind: 'status', status: 429, retryAfter } as const;
      expect(delayForFailure(3, failure, policy, clock(0))).toBe(200);
      expect(delayForFailure(3, failure, policy, clock(1))).toBe(400);
    }
  });
  it('backs off exponentially without the header', () => {
    expect(delayForFailure(3, { kind: 'status', status: 500 }, policy, clock(1))).toBe(400);
    expect(delayForFailure(3, { kind: 'timeout' }, policy, clock(0))).toBe(200);
  });
});
