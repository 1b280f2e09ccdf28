import {
  createServer,
  Agent as HttpAgent,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../src/tap/http/http.js';
import { leanHttpAdapter } from '../src/tap/http/http-transport.js';
import { requestUrl } from '../src/tap/http/request-url.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let handler: Handler = (_req, res) => res.end('{}');
let instance: AxiosInstance;
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  instance = axios.create({
    baseURL: `http://127.0.0.1:${address.port}/v3`,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true },
    paramsSerializer: { indexes: null },
    headers: { Accept: 'application/json' },
    adapter: leanHttpAdapter(agents),
  });
});
afterAll(async () => {
  agents.http.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const BODY = JSON.stringify({ items: [{ text: 'héllo ✓' }], has_next_page: false });

describe('lean axios adapter', () => {
  it('sends the URL axios builds (base URL, path, repeated params) and the request headers', async () => {
    let seen: IncomingMessage | null = null;
    handler = (req, res) => {
      seen = req;
      res.end(BODY);
    };
    const response = await instance.get('/things', {
      params: { first: 2, after: 'a+b/c=', tag: ['x', 'y'], skip: undefined },
      headers: { Authorization: 'Bearer t' },
    });
    expect(response.status).toBe(200);
    expect(response.data).toBe(BODY);
    const req = seen as IncomingMessage | null;
    expect(req?.url).toBe('/v3/things?first=2&after=a%2Bb%2Fc%3D&tag=x&tag=y');
    expect(req?.headers.authorization).toBe('Bearer t');
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers['user-agent']).toBe(`axios/${axios.VERSION}`);
  });

  const encodings: [string, (body: Buffer) => Buffer][] = [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ];
  for (const [encoding, compress] of encodings) {
    it(`decodes a ${encoding} body`, async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-encoding': encoding });
        res.end(compress(Buffer.from(BODY)));
      };
      const response = await instance.get('/things');
      expect(response.data).toBe(BODY);
      expect(response.headers['content-encoding']).toBeUndefined();
    });
  }

  it('fails a non-2xx status as axios does, with the response body', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'retry-after': '7' });
      res.end('{"detail":"slow down"}');
    };
    const error = await instance.get('/things').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).code).toBe(AxiosError.ERR_BAD_REQUEST);
    expect((error as AxiosError).response?.data).toBe('{"detail":"slow down"}');
    expect(classifyError(error)).toEqual({ kind: 'status', status: 429, retryAfter: '7' });
  });

  it('cancels on the signal, before and during a request', async () => {
    handler = () => undefined; // never answers
    const before = new AbortController();
    before.abort();
    const early = await instance.get('/things', { signal: before.signal }).catch((caught: unknown) => caught);
    expect(classifyError(early)).toEqual({ kind: 'canceled' });
    const during = new AbortController();
    const pending = instance.get('/things', { signal: during.signal }).catch((caught: unknown) => caught);
    setTimeout(() => during.abort(), 20);
    expect(classifyError(await pending)).toEqual({ kind: 'canceled' });
  });

  it('times out with ETIMEDOUT when the server does not answer', async () => {
    handler = () => undefined;
    const error = await instance.get('/things', { timeout: 50 }).catch((caught: unknown) => caught);
    expect((error as AxiosError).code).toBe(AxiosError.ETIMEDOUT);
    expect(classifyError(error)).toEqual({ kind: 'timeout' });
  });
});

describe('requestUrl', () => {
  it('means what axios builds from the same base URL, path and params', () => {
    const params = { first: 200, after: 'a+b/c= :$,é', on: true, tag: ['x y', 'z'], skip: undefined };
    const ours = new URL(requestUrl('http://h:1/base/', '/v3/things', params));
    const theirs = new URL(
      axios.getUri({
        baseURL: 'http://h:1/base/',
        url: '/v3/things',
        params,
        paramsSerializer: { indexes: null },
      }),
    );
    expect(ours.pathname).toBe('/base/v3/things');
    expect(ours.pathname).toBe(theirs.pathname);
    expect([...ours.searchParams]).toEqual([...theirs.searchParams]);
    expect(ours.searchParams.getAll('tag')).toEqual(['x y', 'z']);
    expect(requestUrl('http://h:1', '/v3/things', {})).toBe('http://h:1/v3/things');
  });
});
