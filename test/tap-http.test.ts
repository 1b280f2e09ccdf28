import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/tap/config.js';
import { ApiError, RetryExhaustedError } from '../src/tap/errors.js';
import { createHttpClient, type RequestCounters } from '../src/tap/http/http.js';
import { DEFAULT_BACKOFF } from '../src/tap/http/retry-policy.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const TOKEN = 'cog_httpTestSECRET';
const PATH = '/v3/organizations/org-1/things';
const FAST = { baseDelayMs: 1, maxDelayMs: 5, retryAfterCapMs: 50 };

let server: Server;
let baseUrl = '';
let script: Handler[] = [];
let seen: string[] = [];

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const problem = (status: number, detail: string, extra: Record<string, unknown> = {}) =>
  json(
    status,
    { status, title: 'Problem', detail, ...extra },
    { 'content-type': 'application/problem+json' },
  );
const OK = json(200, { items: [], end_cursor: null, has_next_page: false, total: 0 });

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const handler = script.shift() ?? OK;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  seen = [];
});

function client(overrides: Record<string, unknown> = {}) {
  const config = parseConfig(
    { api_token: TOKEN, org_id: 'org-1', base_url: baseUrl, max_retries: 3, ...overrides },
    {},
  );
  return createHttpClient(config, { backoff: FAST, clock: { nowMs: () => Date.now(), random: () => 0.5 } });
}

async function get(query: Record<string, string | number> = {}, overrides: Record<string, unknown> = {}) {
  const http = client(overrides);
  const counters: RequestCounters = { requests: 0, retries: 0 };
  const retries: string[] = [];
  const context = {
    stream: 'things',
    permission: 'ManageThings',
    counters,
    onRetry: (m: string) => retries.push(m),
  };
  try {
    return { body: await http.getJson(PATH, query, context), counters, retries, error: null };
  } catch (error) {
    return { body: null, counters, retries, error };
  } finally {
    http.close();
  }
}

describe('http client', () => {
  it('sends the bearer token and parses the JSON body', async () => {
    let auth = '';
    script = [
      (req, res) => {
        auth = String(req.headers.authorization);
        OK(req, res);
      },
    ];
    const result = await get({ first: 5 });
    expect(result.body).toEqual({ items: [], end_cursor: null, has_next_page: false, total: 0 });
    expect(auth).toBe(`Bearer ${TOKEN}`);
    expect(result.counters).toMatchObject({ requests: 1, retries: 0 });
  });

  it('URL-encodes a cursor holding + / = so it round-trips', async () => {
    const cursor = 'ab+cd/ef==';
    await get({ first: 2, after: cursor });
    const url = new URL(seen[0] ?? '', baseUrl);
    expect(url.searchParams.get('after')).toBe(cursor);
    expect(seen[0]).toContain('after=ab%2Bcd%2Fef%3D%3D');
  });

  it('retries 429 (Retry-After in seconds and as an HTTP date), 5xx, then succeeds', async () => {
    script = [
      problem(429, 'slow down', {}),
      json(429, {}, { 'retry-after': '0' }),
      json(503, {}, { 'retry-after': new Date(Date.now() + 20).toUTCString() }),
      json(500, {}),
    ];
    const result = await get({}, { max_retries: 5 });
    expect(result.error).toBeNull();
    expect(result.counters).toMatchObject({ requests: 5, retries: 4 });
    expect(result.counters.requestMs).toBeGreaterThan(0);
    expect(result.retries[0]).toBe(`things: HTTP 429 on GET ${PATH}; retry 1 of 5`);
  });

  it('retries a truncated (not JSON) body and a dropped connection', async () => {
    script = [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items": [{"a": 1}, ');
      },
      (req) => req.socket.destroy(),
    ];
    const result = await get();
    expect(result.error).toBeNull();
    expect(result.counters).toMatchObject({ requests: 3, retries: 2 });
    expect(result.retries[0]).toContain('response body was not valid JSON');
    expect(result.retries[1]).toMatch(/connection failed \((ECONNRESET|closed by the server)/);
  });

  it('retries a connection dropped in the middle of a 200 body', async () => {
    script = [
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"items": [{"a": 1}, ', () => res.socket?.destroy());
      },
    ];
    const result = await get();
    expect(result.error).toBeNull();
    expect(result.counters).toMatchObject({ requests: 2, retries: 1 });
  });

  it('retries a timeout', async () => {
    script = [() => undefined];
    const result = await get({}, { request_timeout_seconds: 1 });
    expect(result.error).toBeNull();
    expect(result.retries[0]).toContain('timed out');
  });

  it('gives up after max_retries naming the path, never the token', async () => {
    script = Array.from({ length: 10 }, () => json(502, { token: TOKEN }));
    const result = await get({}, { max_retries: 2 });
    expect(result.error).toBeInstanceOf(RetryExhaustedError);
    const error = result.error as RetryExhaustedError;
    expect(error.message).toBe(`things: GET ${PATH} failed after 3 attempts (last: HTTP 502)`);
    expect(error.path).toBe(PATH);
    expect(error.attempts).toBe(3);
    expect(result.counters).toMatchObject({ requests: 3, retries: 2 });
    expect(seen.length).toBe(3);
  });

  for (const random of [0, 1]) {
    it(`waits as the policy says on a fake clock (random ${random}): Retry-After, its cap, jitter bounds`, async () => {
      const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
      script = [
        json(429, {}, { 'retry-after': '7' }),
        json(503, {}, { 'retry-after': new Date(NOW + 9000).toUTCString() }),
        json(429, {}, { 'retry-after': '600' }),
        json(500, {}),
        json(502, {}),
      ];
      const waits: number[] = [];
      const config = parseConfig(
        { api_token: TOKEN, org_id: 'org-1', base_url: baseUrl, max_retries: 5, adaptive_concurrency: false },
        {},
      );
      const http = createHttpClient(config, {
        backoff: DEFAULT_BACKOFF,
        clock: {
          nowMs: () => NOW,
          random: () => random,
          sleep: async (ms) => {
            waits.push(ms);
          },
        },
      });
      const counters: RequestCounters = { requests: 0, retries: 0 };
      await http.getJson(PATH, {}, { stream: 'things', permission: 'P', counters });
      http.close();
      // Retry-After as seconds and as a date (+ up to 10% jitter), capped at 60 s; then equal
      // jitter in [d/2, d] with d = 500 ms x 2^(retry-1): retry 4 -> [2000, 4000], retry 5 -> [4000, 8000].
      expect(waits).toEqual(
        random === 0 ? [7000, 9000, 60_000, 2000, 4000] : [7700, 9900, 60_000, 4000, 8000],
      );
      expect(counters).toMatchObject({ requests: 6, retries: 5 });
    });
  }

  it('Retry-After: 0 and a date in the past keep the exponential backoff (fake clock)', async () => {
    const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
    const past = new Date(NOW - 30_000).toUTCString();
    script = [0, 1, 2, 3, 4].map((n) => json(429, {}, { 'retry-after': n % 2 === 0 ? '0' : past }));
    const waits: number[] = [];
    const config = parseConfig(
      { api_token: TOKEN, org_id: 'org-1', base_url: baseUrl, max_retries: 5, adaptive_concurrency: false },
      {},
    );
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const http = createHttpClient(config, {
      backoff: DEFAULT_BACKOFF,
      clock: { nowMs: () => NOW, random: () => 0, sleep },
    });
    const counters: RequestCounters = { requests: 0, retries: 0 };
    await http.getJson(PATH, {}, { stream: 'things', permission: 'P', counters });
    http.close();
    // The floor of equal jitter, d/2 with d = 500 ms x 2^(retry-1): never shortened to 0.
    expect(waits).toEqual([250, 500, 1000, 2000, 4000]);
    expect(seen.length).toBe(6);
  });

  const fatal: [number, RegExp][] = [
    [401, /^the API token was rejected \(HTTP 401\); check api_token or DEVIN_API_TOKEN$/],
    [403, /^things: the API token's role lacks the ManageThings permission \(HTTP 403/],
    [404, /^things: not found \(HTTP 404 on GET .*\): Problem: the detail of 404/],
    [
      422,
      /^things: the API rejected the request \(HTTP 422 on GET .*\): Problem: the detail of 422 \[REDACTED\] \[\{"loc":"first"\}\]/,
    ],
  ];
  for (const [status, pattern] of fatal) {
    it(`does not retry ${status} and explains it`, async () => {
      script = [problem(status, `the detail of ${status} ${TOKEN}`, { errors: [{ loc: 'first' }] }), OK];
      const result = await get();
      expect(result.error).toBeInstanceOf(ApiError);
      const error = result.error as ApiError;
      expect(error.status).toBe(status);
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toContain(TOKEN);
      expect(seen.length).toBe(1);
      if (status === 403) expect(error.permission).toBe('ManageThings');
    });
  }
});
