import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, {
  AxiosError,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import axiosRetry from 'axios-retry';
import type { TapConfig } from '../config.js';
import { RetryExhaustedError } from '../errors.js';
import { apiErrorFor } from './http-errors.js';
import { leanHttpAdapter } from './http-transport.js';
import { requestUrl } from './request-url.js';
import {
  actionFor,
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  delayForFailure,
  describeFailure,
  type Failure,
} from './retry-policy.js';
import { Semaphore } from './semaphore.js';

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
  close(): void;
}

export interface HttpOptions {
  backoff?: BackoffPolicy;
  clock?: { nowMs(): number; random(): number };
  /** Shared bound on requests in flight; by default one of config.maxConcurrency. */
  semaphore?: Semaphore;
  /** Overrides config.maxRetries (check uses fewer). */
  maxRetries?: number;
}

const SYSTEM_CLOCK = { nowMs: () => Date.now(), random: () => Math.random() };

/** What a failed attempt was, in library-independent terms (see retry-policy.ts). */
export function classifyError(error: unknown): Failure {
  if (!(error instanceof AxiosError)) return { kind: 'network', code: 'unknown' };
  if (error.code === AxiosError.ERR_CANCELED || error.config?.signal?.aborted) return { kind: 'canceled' };
  if (error.code === 'ERR_BAD_BODY') return { kind: 'bad_body' };
  // A response whose status is not an error broke off while its body was read: a dropped connection.
  if (error.response && error.response.status < 400)
    return { kind: 'network', code: error.code ?? 'aborted' };
  if (error.response) {
    const retryAfter = error.response.headers['retry-after'];
    return typeof retryAfter === 'string'
      ? { kind: 'status', status: error.response.status, retryAfter }
      : { kind: 'status', status: error.response.status };
  }
  if (error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED') return { kind: 'timeout' };
  return { kind: 'network', code: error.code ?? 'unknown' };
}

/** Bodies are read as text and parsed here, so a truncated body is a retryable failure. */
function parseBody(response: AxiosResponse): AxiosResponse {
  const text: unknown = response.data;
  try {
    response.data = JSON.parse(typeof text === 'string' ? text : '') as unknown;
  } catch {
    throw new AxiosError(
      'response body was not valid JSON',
      'ERR_BAD_BODY',
      response.config,
      response.request,
    );
  }
  return response;
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'];

/** axios's own adapter honours proxy variables; the lean one does not, so it is used only without them. */
function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '');
}

/** What onRetry needs of a request, carried in its config (a class: axios passes it through uncopied). */
class RetryTarget {
  constructor(
    readonly path: string,
    readonly context: RequestContext,
  ) {}
}

interface TapRequestConfig extends InternalAxiosRequestConfig {
  tapRetryTarget?: RetryTarget;
}

function createInstance(config: TapConfig): AxiosInstance {
  const agentOptions = { keepAlive: true, maxSockets: config.maxConcurrency };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const instance = axios.create({
    baseURL: config.baseUrl,
    timeout: config.requestTimeoutSeconds * 1000,
    responseType: 'text',
    // No transforms: there is no request body, and the body is parsed by parseBody.
    transformRequest: [],
    transformResponse: [],
    transitional: { clarifyTimeoutError: true },
    httpAgent: agents.http,
    httpsAgent: agents.https,
    maxRedirects: 0,
    ...(proxyConfigured(process.env) ? {} : { adapter: leanHttpAdapter(agents) }),
  });
  // Flat default headers instead of axios's per-method buckets (common, get, post, ...), which axios
  // deep-merges and flattens on every request. The tap only sends GETs; its Accept replaces the
  // common one, and the buckets' other headers (Content-Type of post/put/patch) never apply.
  instance.defaults.headers = {
    Authorization: `Bearer ${config.apiToken}`,
    Accept: 'application/json',
  } as unknown as typeof instance.defaults.headers;
  if (!proxyConfigured(process.env)) {
    // The lean adapter times out with ETIMEDOUT by itself (clarifyTimeoutError); without transitional
    // options axios skips validating them on every request. No paramsSerializer either: requests
    // carry their query in the URL (request-url.ts), never as params.
    delete instance.defaults.transitional;
  }
  return instance;
}

export function createHttpClient(config: TapConfig, options: HttpOptions = {}): HttpClient {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const semaphore = options.semaphore ?? new Semaphore(config.maxConcurrency);
  const maxRetries = options.maxRetries ?? config.maxRetries;
  const instance = createInstance(config);
  // Registered before axios-retry, so a body that fails to parse reaches its error handler.
  instance.interceptors.response.use(parseBody);
  axiosRetry(instance, {
    retries: maxRetries,
    shouldResetTimeout: true,
    retryCondition: (error) => actionFor(classifyError(error)) === 'retry',
    retryDelay: (retry, error) => delayForFailure(retry, classifyError(error), backoff, clock),
    // One handler for every request (no closure and options object per request): the request's
    // path and context travel in its config.
    onRetry: (retry, error, requestConfig) => {
      const target = (requestConfig as TapRequestConfig).tapRetryTarget;
      if (target === undefined) return;
      const { path, context } = target;
      context.counters.requests += 1;
      context.counters.retries += 1;
      const what = describeFailure(classifyError(error));
      context.onRetry?.(`${context.stream}: ${what} on GET ${path}; retry ${retry} of ${maxRetries}`);
    },
  });

  async function attempt(path: string, query: Query, context: RequestContext): Promise<unknown> {
    context.counters.requests += 1;
    const requestConfig: Partial<TapRequestConfig> = { tapRetryTarget: new RetryTarget(path, context) };
    if (context.signal) requestConfig.signal = context.signal;
    const started = performance.now();
    try {
      const response = await instance.get<unknown>(requestUrl(config.baseUrl, path, query), requestConfig);
      return response.data;
    } finally {
      context.counters.requestMs = (context.counters.requestMs ?? 0) + (performance.now() - started);
    }
  }

  return {
    async getJson(path, query, context) {
      return semaphore.run(async () => {
        try {
          return await attempt(path, query, context);
        } catch (error) {
          throw finalError(error, path, context, maxRetries, config);
        }
      });
    },
    close() {
      const defaults = instance.defaults;
      (defaults.httpAgent as HttpAgent | undefined)?.destroy();
      (defaults.httpsAgent as HttpsAgent | undefined)?.destroy();
    },
  };
}

function finalError(
  error: unknown,
  path: string,
  context: RequestContext,
  maxRetries: number,
  config: TapConfig,
): Error {
  const failure = classifyError(error);
  const action = actionFor(failure);
  if (action === 'canceled') return error instanceof Error ? error : new Error('request canceled');
  if (action === 'retry') {
    const attempts = maxRetries + 1;
    return new RetryExhaustedError(
      `${context.stream}: GET ${path} failed after ${attempts} attempts (last: ${describeFailure(failure)})`,
      path,
      attempts,
    );
  }
  const body = error instanceof AxiosError ? error.response?.data : undefined;
  const status = failure.kind === 'status' ? failure.status : 0;
  return apiErrorFor(action, status, path, context, body, config);
}
