import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/tap/config.js';
import { RetryExhaustedError } from '../src/tap/errors.js';
import type { HttpClock } from '../src/tap/http/http.js';
import { preflight } from '../src/tap/preflight.js';
import { type Handler, type LocalServer, startLocalServer } from './helpers/local-server.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const PAGE = '{"items":[],"end_cursor":null,"has_next_page":false,"total":0}';

const servers: LocalServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** 429 with Retry-After for the first `refusals` requests, then an empty page. */
async function rateLimitedStart(refusals: number): Promise<LocalServer> {
  let seen = 0;
  const handler: Handler = (_req, res) => {
    seen += 1;
    if (seen <= refusals) {
      res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '2' });
      res.end('{"status":429,"title":"Too Many Requests"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(PAGE);
  };
  const server = await startLocalServer(handler);
  servers.push(server);
  return server;
}

/** A clock that only records the waits asked of it. */
function fakeClock(waits: number[]): HttpClock {
  return {
    nowMs: () => NOW,
    random: () => 0,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

const configFor = (url: string, extra: Record<string, unknown> = {}) =>
  parseConfig(
    // Fixed slots: the adaptive limiter's own pause after paced 429s runs on the real clock.
    { api_token: 'cog_preflightTEST', org_id: 'org-1', base_url: url, adaptive_concurrency: false, ...extra },
    {},
  );

describe('the request before the database is opened (preflight)', () => {
  it('rides out a rate-limited start with the whole retry budget and Retry-After', async () => {
    const server = await rateLimitedStart(4);
    const waits: number[] = [];
    await preflight(configFor(server.url), ['sessions'], { clock: fakeClock(waits), env: {} });
    // Four refusals, four waits of Retry-After (2 s); more than the default's 2 retries of old.
    expect(waits).toEqual([2000, 2000, 2000, 2000]);
    expect(server.seen.length).toBe(5);
  });

  it('a 429 through every retry is a rate limit, never "cannot reach"', async () => {
    const server = await rateLimitedStart(1000);
    const waits: number[] = [];
    const options = { clock: fakeClock(waits), env: {} };
    const error = await preflight(configFor(server.url, { max_retries: 3 }), ['sessions'], options).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RetryExhaustedError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/cannot reach/);
    expect(message).toMatch(/kept rate-limiting the requests \(HTTP 429\)/);
    expect(message).toMatch(/failed after 4 attempts \(last: HTTP 429/);
    expect(server.seen.length).toBe(4);
  });
});
