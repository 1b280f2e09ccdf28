import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiResponse, problem } from './core/problem.js';
import type { Fault, Network } from './network.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string[]>;
  /** HTTP status sent; 0 when the connection was dropped without a response. */
  status: number;
  /** Wall-clock ms when the request arrived. */
  at: number;
  /** The injected fault, when there was one (a truncated body still has status 200). */
  fault?: Exclude<Fault, 'none'>;
}

export interface ServerDeps {
  network: Network;
  handle: (method: string, url: URL, authorization: string | undefined) => ApiResponse;
  log: (entry: RequestLogEntry) => void;
}

function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of params) {
    const values = query[key];
    if (values) values.push(value);
    else query[key] = [value];
  }
  return query;
}

function send(res: ServerResponse, response: ApiResponse, truncate: boolean): void {
  const text = JSON.stringify(response.body);
  const type = response.status >= 400 ? 'application/problem+json' : 'application/json';
  if (truncate) {
    // No Content-Length: the body ends cleanly but holds only half of the JSON.
    res.writeHead(response.status, { 'content-type': type, ...response.headers });
    res.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  res.writeHead(response.status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    ...response.headers,
  });
  res.end(text);
}

const FAULT_STATUS: Partial<Record<Fault, number>> = { status500: 500, status502: 502, status503: 503 };

async function serve(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  req.resume();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const entry: RequestLogEntry = {
    method,
    path: url.pathname,
    query: queryRecord(url.searchParams),
    status: 0,
    at: Date.now(),
  };
  const delay = deps.network.delay();
  if (delay) await delay;
  const retryAfter = deps.network.retryAfter(Date.now());
  let response: ApiResponse;
  let fault: Fault = 'none';
  if (retryAfter !== null) {
    response = problem(429, 'Rate limit exceeded; retry after the Retry-After header', url.pathname);
    response.headers = { 'retry-after': retryAfter };
  } else {
    fault = deps.network.fault();
    if (fault !== 'none') entry.fault = fault;
    if (fault === 'drop') {
      deps.log(entry);
      req.socket.destroy();
      return;
    }
    const status = FAULT_STATUS[fault];
    response = status
      ? problem(status, 'Simulated server fault', url.pathname)
      : deps.handle(method, url, req.headers.authorization);
  }
  // Only a 200 is truncated: a cut-off error body would hide the error the client must act on.
  const truncate = fault === 'truncate' && response.status === 200;
  if (fault === 'truncate' && !truncate) delete entry.fault;
  entry.status = response.status;
  deps.log(entry);
  send(res, response, truncate);
}

export function listen(port: number, deps: ServerDeps): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    serve(req, res, deps).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, problem(500, `Simulator error: ${String(error)}`, req.url ?? '/'), false);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
