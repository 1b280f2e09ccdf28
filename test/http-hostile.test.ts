import type { ServerResponse } from 'node:http';
import { createGzip, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/tap/config.js';
import {
  ApiError,
  ResponseTooLargeError,
  RetryExhaustedError,
  RunEndingApiError,
} from '../src/tap/errors.js';
import { createHttpClient, type HttpOptions } from '../src/tap/http/http.js';
import { scrubToken } from '../src/tap/redact.js';
import { type Handler, type LocalServer, startLocalServer } from './helpers/local-server.js';

const TOKEN = 'cog_hostileTestSECRET';
const PATH = '/v3/organizations/org-1/things';
const PAGE = { items: [{ id: 'a', title: 'fine' }], end_cursor: null, has_next_page: false, total: 1 };
const FAST = { baseDelayMs: 1, maxDelayMs: 2, retryAfterCapMs: 5 };

const servers: LocalServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(handler: Handler): Promise<LocalServer> {
  const server = await startLocalServer(handler);
  servers.push(server);
  return server;
}

async function get(baseUrl: string, overrides: Record<string, unknown> = {}, options: HttpOptions = {}) {
  const config = parseConfig(
    { api_token: TOKEN, org_id: 'org-1', base_url: baseUrl, max_retries: 1, ...overrides },
    {},
  );
  const http = createHttpClient(config, { backoff: FAST, env: {}, ...options });
  const retries: string[] = [];
  const context = {
    stream: 'things',
    permission: 'ManageThings',
    counters: { requests: 0, retries: 0 },
    onRetry: (message: string) => retries.push(message),
  };
  try {
    return { body: await http.getJson(PATH, { first: 1 }, context), error: null, retries, context };
  } catch (error) {
    return { body: null, error: error as Error, retries, context };
  } finally {
    http.close();
  }
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain('s3cretpass');
}

/** Gzip of `megabytes` MB of zeros, compressed in a stream (the test never holds the inflated bytes). */
async function gzipBomb(megabytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(1_048_576);
  for (let i = 0; i < megabytes; i++) if (!gzip.write(zeros)) await new Promise((r) => gzip.once('drain', r));
  gzip.end();
  await done;
  return Buffer.concat(out);
}

describe('http client against hostile servers', () => {
  it('sends devin-tap/<package version> as User-Agent, asks for gzip and inflates it', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify(PAGE)));
    });
    const result = await get(server.url);
    expect(result.body).toEqual(PAGE);
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
    expect(server.seen[0]?.headers['user-agent']).toBe(`devin-tap/${version}`);
    expect(server.seen[0]?.headers['accept-encoding']).toBe('gzip');
    expect(server.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('a body that trickles one byte a second times out at the deadline and is retried', async () => {
    const text = JSON.stringify(PAGE);
    /** Bytes of the body each attempt had been sent when the client hung up. */
    const sentAtClose: number[] = [];
    let bothClosed = () => {};
    const closed = new Promise<void>((resolve) => {
      bothClosed = resolve;
    });
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= text.length) return clearInterval(timer);
        res.write(text[sent++]);
      }, 1000);
      res.on('close', () => {
        clearInterval(timer);
        sentAtClose.push(sent);
        if (sentAtClose.length === 2) bothClosed();
      });
    });
    const result = await get(server.url, { request_timeout_seconds: 1, max_retries: 1 });
    expect(result.error).toBeInstanceOf(RetryExhaustedError);
    expect(result.error?.message).toBe(`things: GET ${PATH} failed after 2 attempts (last: timed out)`);
    expect(result.retries).toEqual([`things: timed out on GET ${PATH}; retry 1 of 1`]);
    expect(server.seen.length).toBe(2);
    await server.close();
    await closed;
    // The deadline covers the body, not just the headers: each attempt was cut off mid-body.
    for (const sent of sentAtClose) expect(sent).toBeLessThan(text.length);
  });

  it('a gzip bomb stops at max_response_mb and names the path (memory figures: bench/)', async () => {
    const bomb = await gzipBomb(300);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const result = await get(server.url, { max_response_mb: 2 });
    expect(result.error).toBeInstanceOf(ResponseTooLargeError);
    expect(result.error?.message).toBe(
      `things: the response to GET ${PATH} is larger than max_response_mb (2 MB); raise max_response_mb if pages this large are expected`,
    );
    expect(server.seen.length).toBe(1); // never retried
  });

  it('an over-cap plain body fails whether or not it declares its length', async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    for (const declared of [true, false]) {
      const server = await serve((_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(declared ? { 'content-length': String(chunk.length * 40) } : {}),
        });
        let left = 40;
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            left -= 1;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
      const result = await get(server.url, { max_response_mb: 1 });
      expect(result.error, `declared ${declared}`).toBeInstanceOf(ResponseTooLargeError);
    }
  });

  it('a 302 is not followed: the second server receives nothing, the error says where it pointed', async () => {
    const elsewhere = await serve((_req, res) => res.end('{}'));
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/steal?key=abc` });
      res.end();
    });
    const result = await get(server.url);
    expect(result.error).toBeInstanceOf(RunEndingApiError);
    expect(result.error?.message).toBe(
      `the API answered 302 to ${elsewhere.url}/steal on GET ${PATH}; check base_url (redirects are not followed, so the token never travels to another address)`,
    );
    expect(elsewhere.seen.length).toBe(0);
    expect(server.seen.length).toBe(1);
  });

  it('a 401 is a run-ending error, told once to onRunEnding, never retried', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Unauthorized', detail: `bad token ${TOKEN}` }));
    });
    const ended: Error[] = [];
    const result = await get(server.url, {}, { onRunEnding: (error) => ended.push(error) });
    expect(result.error).toBeInstanceOf(RunEndingApiError);
    expect(result.error?.message).toBe(
      'the API token was rejected (HTTP 401); check api_token or DEVIN_API_TOKEN',
    );
    expect(ended).toEqual([result.error]);
    expect(server.seen.length).toBe(1);
  });

  it('honest errors: title and detail of a problem, a short excerpt of HTML, the path and attempts', async () => {
    const html = `<html><head><style>body{}</style></head><body><h1>502 Bad Gateway</h1>${'x'.repeat(5000)}</body></html>`;
    const server = await serve((req, res) => {
      if (req.url?.includes('first=1') && server.seen.length <= 2) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end(html);
      }
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Bad Request', detail: 'first must be <= 200' }));
    });
    const gaveUp = await get(server.url, { max_retries: 1 });
    expect(gaveUp.error).toBeInstanceOf(RetryExhaustedError);
    const message = gaveUp.error?.message ?? '';
    expect(message).toMatch(
      new RegExp(`^things: GET ${PATH} failed after 2 attempts \\(last: HTTP 502: 502 Bad Gateway x+…\\)$`),
    );
    expect(message.length).toBeLessThan(300);
    expect(message).not.toContain('(needs');
    const refused = await get(server.url);
    expect(refused.error).toBeInstanceOf(ApiError);
    expect(refused.error?.message).toBe(
      `things: request failed (HTTP 400 on GET ${PATH}): Bad Request: first must be <= 200`,
    );
  });

  it('base_url userinfo is never sent and never shown; its query string is sent', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Down', detail: 'try later' }));
    });
    const baseUrl = `http://proxyuser:s3cretpass@127.0.0.1:${server.port}/base?key=s3cretpass`;
    const result = await get(baseUrl, { max_retries: 0 });
    expect(result.error).toBeInstanceOf(RetryExhaustedError);
    expectNoSecrets(String(result.error?.message));
    expect(server.seen[0]?.url).toBe(`/base${PATH}?key=s3cretpass&first=1`);
    expect(server.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('the token echoed in a body is scrubbed before the body is parsed', async () => {
    const server = await serve((_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const item = { id: 'a', title: `deploy with ${TOKEN} please`, nested: { note: TOKEN } };
      res.end(JSON.stringify({ ...PAGE, items: [item] }));
    });
    const result = await get(server.url);
    expect(JSON.stringify(result.body)).not.toContain(TOKEN);
    expect(result.body).toMatchObject({
      items: [{ title: 'deploy with [REDACTED] please', nested: { note: '[REDACTED]' } }],
    });
  });
});

describe('scrubToken', () => {
  it('removes the token, also spelt with JSON-escaped slashes, and keeps the JSON valid', () => {
    const token = 'cog_ab/cd+ef=';
    const body = JSON.stringify({ a: token, b: `x ${token} y` })
      .replace('"x ', '"x ')
      .concat('');
    const escaped = `{"c":"cog_ab\\/cd+ef="}`;
    expect(JSON.parse(scrubToken(body, token))).toEqual({ a: '[REDACTED]', b: 'x [REDACTED] y' });
    expect(JSON.parse(scrubToken(escaped, token))).toEqual({ c: '[REDACTED]' });
    expect(scrubToken('{"d":"cog_other"}', token)).toBe('{"d":"cog_other"}');
  });
});
