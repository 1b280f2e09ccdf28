import {
  type ClientRequest,
  type Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompress, unzip } from 'node:zlib';
import axios, {
  type AxiosAdapter,
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
} from 'axios';

const ABSOLUTE = /^https?:\/\//i;

/**
 * A lean axios adapter for the one request shape the tap sends: GET without a body, the response
 * buffered as text. Why not axios's own node adapter: it costs ~300 µs of CPU per request on top of
 * node:http (proxy and redirect plumbing, stream pipelines, and `setKeepAlive(true, 60000)` on every
 * reuse of a pooled socket, which fights the agent's own keep-alive delay: 8 setsockopt calls per
 * request), more than the request itself. At 20,000 requests that was the largest item of a read's
 * CPU (bench/read-bench.ts). axios (config, headers, interceptors) and axios-retry (the retry loop)
 * still run around this adapter, and it fails with the AxiosErrors axios's adapter raises (codes,
 * config, response), so classifyError and the retry policy see the same failures.
 * Not handled here (the tap never uses them): request bodies, redirects, proxies (createHttpClient
 * keeps axios's adapter when a proxy is configured in the environment), streamed responses.
 */
export function leanHttpAdapter(agents: { http: HttpAgent; https: HttpsAgent }): AxiosAdapter {
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      // The tap passes absolute URLs with the query built (request-url.ts): no second config merge.
      const direct = config.params === undefined && ABSOLUTE.test(config.url ?? '');
      const url = new URL(direct ? (config.url as string) : axios.getUri(config));
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const req = send(url, {
        method: 'GET',
        agent: secure ? agents.https : agents.http,
        headers: requestHeaders(config),
      });
      const exchange = new Exchange(config, req, resolve, reject);
      req.on('response', (res) => exchange.onResponse(res));
      req.on('error', (error) => exchange.fail(AxiosError.from(error, undefined, config, req)));
      exchange.start();
      req.end();
    });
}

const ACCEPT_ENCODING = 'gzip, deflate, br';

const USER_AGENT = `axios/${axios.VERSION}`;

/** The request's headers as node:http takes them, read straight off axios's (no copy, no toJSON). */
function requestHeaders(config: InternalAxiosRequestConfig): Record<string, string> {
  const headers = AxiosHeaders.from(config.headers) as unknown as Record<string, unknown>;
  const plain: Record<string, string> = {};
  let userAgent = false;
  let acceptEncoding = false;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'user-agent') userAgent = true;
    else if (lower === 'accept-encoding') acceptEncoding = true;
    if (typeof value === 'string') plain[name] = value;
    else if (Array.isArray(value)) plain[name] = value.join(', ');
  }
  // What axios's node adapter adds when absent.
  if (!userAgent) plain['User-Agent'] = USER_AGENT;
  if (!acceptEncoding) plain['Accept-Encoding'] = ACCEPT_ENCODING;
  return plain;
}

/** One request's lifetime: timeout, cancellation, the response body, and one settlement. */
class Exchange {
  private done = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => {
    this.req.destroy();
    this.fail(new CanceledError(undefined, this.config, this.req));
  };

  constructor(
    private readonly config: InternalAxiosRequestConfig,
    private readonly req: ClientRequest,
    private readonly resolve: (response: AxiosResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    const { signal, timeout } = this.config;
    if (signal?.aborted) {
      this.onAbort();
      return;
    }
    signal?.addEventListener?.('abort', this.onAbort);
    if (timeout !== undefined && timeout > 0) {
      // As axios: a wall-clock bound until the response starts, then the socket's idle timeout.
      this.connectTimer = setTimeout(() => this.timedOut(), timeout);
      this.req.setTimeout(timeout, () => this.timedOut());
    }
  }

  onResponse(res: IncomingMessage): void {
    clearTimeout(this.connectTimer);
    if (this.done) {
      res.destroy();
      return;
    }
    const headers = new AxiosHeaders(res.headers as Record<string, string>);
    const response: AxiosResponse = {
      data: '',
      status: res.statusCode ?? 0,
      statusText: res.statusMessage ?? '',
      headers,
      config: this.config,
      request: this.req,
    };
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('aborted', () =>
      this.fail(
        new AxiosError(
          'stream has been aborted',
          AxiosError.ERR_BAD_RESPONSE,
          this.config,
          this.req,
          response,
        ),
      ),
    );
    res.on('error', (error) => this.fail(AxiosError.from(error, undefined, this.config, this.req, response)));
    res.on('end', () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      decode(body, headers, res.statusCode === 204, (error, text) => {
        if (error) this.fail(AxiosError.from(error, undefined, this.config, this.req, response));
        else this.settle({ ...response, data: text });
      });
    });
  }

  fail(error: unknown): void {
    if (this.finish()) this.reject(error);
  }

  private settle(response: AxiosResponse): void {
    const validate = this.config.validateStatus;
    if (!response.status || !validate || validate(response.status)) {
      if (this.finish()) this.resolve(response);
      return;
    }
    const code = response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
    const message = `Request failed with status code ${response.status}`;
    this.fail(new AxiosError(message, code, this.config, this.req, response));
  }

  private timedOut(): void {
    if (this.done) return;
    const { timeout, timeoutErrorMessage, transitional } = this.config;
    const message = timeoutErrorMessage || `timeout of ${timeout}ms exceeded`;
    // ETIMEDOUT unless transitional options say otherwise (createHttpClient drops them).
    const clarify = transitional ? transitional.clarifyTimeoutError : true;
    const code = clarify ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
    this.req.destroy();
    this.fail(new AxiosError(message, code, this.config, this.req));
  }

  /** True the first time: the one settlement of this request. */
  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    clearTimeout(this.connectTimer);
    this.config.signal?.removeEventListener?.('abort', this.onAbort);
    return true;
  }
}

/** The body as text: decompressed per Content-Encoding (as axios), BOM stripped. */
function decode(
  body: Buffer,
  headers: AxiosHeaders,
  noContent: boolean,
  done: (error: Error | null, text: string) => void,
): void {
  const text = (bytes: Buffer) => {
    const decoded = bytes.toString('utf8');
    return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  };
  const encoding = String(headers.get('content-encoding') ?? '').toLowerCase();
  const inflate = ['gzip', 'x-gzip', 'compress', 'x-compress', 'deflate'].includes(encoding)
    ? unzip
    : encoding === 'br'
      ? brotliDecompress
      : null;
  if (inflate === null || noContent || body.length === 0) {
    done(null, text(body));
    return;
  }
  headers.delete('content-encoding');
  inflate(body, (error, bytes) => (error ? done(error, '') : done(null, text(bytes))));
}
