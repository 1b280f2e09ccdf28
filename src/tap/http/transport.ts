import type { IncomingHttpHeaders } from 'node:http';
import { type Dispatcher, EnvHttpProxyAgent, Pool } from 'undici';
import { problemDetail } from './http-errors.js';
import { BodyTooLargeError, discardBody, readBodyText } from './response-body.js';
import type { Failure } from './retry-policy.js';

/** One attempt failed: what it was (for the retry policy) and the error body, if one came. */
export class AttemptError extends Error {
  constructor(
    readonly failure: Failure,
    readonly body?: string,
  ) {
    super(failure.kind);
  }
}

export interface TransportOptions {
  /** scheme://host[:port] of base_url: one pool of keep-alive connections. */
  origin: string;
  connections: number;
  /** The deadline of one attempt: connect, headers and the whole body. */
  timeoutMs: number;
  /** Cap on a decompressed success body. */
  capBytes: number;
  headers: Readonly<Record<string, string>>;
  env: NodeJS.ProcessEnv;
}

/** Enough of an error page to explain it; the rest is not read. */
const ERROR_BODY_CAP = 64 * 1024;

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'];

/** One Pool for the origin, or, with HTTPS_PROXY / HTTP_PROXY set, undici's env-aware proxy agent. */
function dispatcherFor(options: TransportOptions): Dispatcher {
  const poolOptions = { connections: options.connections, keepAliveTimeout: 30_000 };
  const proxied = PROXY_VARIABLES.some((name) => (options.env[name] ?? '') !== '');
  return proxied ? new EnvHttpProxyAgent(poolOptions) : new Pool(options.origin, poolOptions);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  return cause === undefined ? undefined : errorCode(cause);
}

/** A failure of the exchange itself (no usable answer) in retry-policy terms. */
function failureOf(error: unknown, timedOut: boolean, signal: AbortSignal | undefined): Failure | null {
  if (signal?.aborted) return { kind: 'canceled' };
  if (timedOut) return { kind: 'timeout' };
  if (error instanceof BodyTooLargeError) return { kind: 'too_large', limitBytes: error.limitBytes };
  const code = errorCode(error);
  if (code === undefined) return null;
  if (TIMEOUT_CODES.has(code)) return { kind: 'timeout' };
  if (code.startsWith('Z_') || code === 'ERR_INVALID_CHAR') return { kind: 'bad_body' };
  return { kind: 'network', code };
}

/** GETs over undici, each attempt under one deadline; every failure an AttemptError. */
export class Transport {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: TransportOptions) {
    this.dispatcher = dispatcherFor(options);
  }

  /** The success body as text; a non-2xx answer or a broken exchange throws AttemptError. */
  async get(path: string, signal?: AbortSignal): Promise<string> {
    const { timeoutMs } = this.options;
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort(new Error('request deadline passed'));
    }, timeoutMs);
    const onAbort = () => deadline.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.exchange(path, deadline.signal);
    } catch (error) {
      if (error instanceof AttemptError) throw error;
      const failure = failureOf(error, timedOut, signal);
      if (failure === null) throw error;
      throw new AttemptError(failure);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async exchange(path: string, signal: AbortSignal): Promise<string> {
    const { origin, timeoutMs, headers, capBytes } = this.options;
    const response = await this.dispatcher.request({
      origin,
      path,
      method: 'GET',
      headers,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const { statusCode: status, headers: received, body } = response;
    const encoding = { 'content-encoding': header(received, 'content-encoding') };
    if (status >= 300 && status <= 399) {
      discardBody(body);
      const location = header(received, 'location');
      throw new AttemptError({ kind: 'status', status, ...(location ? { location } : {}) });
    }
    if (status >= 400) {
      const text = await readBodyText(body, encoding, { capBytes: ERROR_BODY_CAP, truncate: true });
      const retryAfter = header(received, 'retry-after');
      const detail = problemDetail(text);
      const failure: Failure = {
        kind: 'status',
        status,
        ...(retryAfter !== undefined ? { retryAfter } : {}),
        ...(detail !== null ? { detail } : {}),
      };
      throw new AttemptError(failure, text);
    }
    return readBodyText(
      body,
      { ...encoding, 'content-length': header(received, 'content-length') },
      { capBytes, truncate: false },
    );
  }

  close(): void {
    this.dispatcher.destroy().catch(() => undefined);
  }
}
