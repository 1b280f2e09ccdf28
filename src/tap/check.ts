import { redact, type TapConfig } from './config.js';
import { ApiError, errorMessage, RetryExhaustedError, RunEndingApiError } from './errors.js';
import { createHttpClient, type HttpClient, type HttpOptions } from './http/http.js';
import { isJsonObject, type JsonObject } from './json.js';
import { parsePage } from './read/paginate.js';
import { resolvePath } from './read/stream-path.js';
import { displayBaseUrl } from './redact.js';
import { findStream, STREAMS, type StreamDef } from './streams/index.js';

export interface CheckResult {
  ok: boolean;
  message: string;
  unreadable: { stream: string; permission: string }[];
}

type Probe = { stream: StreamDef; outcome: 'ok' } | { stream: StreamDef; outcome: 'error'; error: unknown };

/** Retries of a check: enough to ride out a blip, few enough to say "unreachable" quickly. */
const CHECK_RETRIES = 2;

async function probe(
  http: HttpClient,
  config: TapConfig,
  stream: StreamDef,
  parent?: JsonObject,
): Promise<Probe> {
  const counters = { requests: 0, retries: 0 };
  const context = { stream: stream.name, permission: stream.permission, counters };
  try {
    const body = await http.getJson(resolvePath(stream, config.orgId, parent), { first: 1 }, context);
    parsePage(body, stream.name);
    return { stream, outcome: 'ok' };
  } catch (error) {
    return { stream, outcome: 'error', error };
  }
}

const isForbidden = (probe: Probe) =>
  probe.outcome === 'error' && probe.error instanceof ApiError && probe.error.status === 403;

function fatalMessage(probe: Probe & { outcome: 'error' }, config: TapConfig): string | null {
  const { error } = probe;
  if (error instanceof RunEndingApiError) return error.message;
  if (error instanceof RetryExhaustedError)
    return `cannot reach the Devin API at ${displayBaseUrl(config.baseUrl)}: ${error.message}`;
  if (error instanceof ApiError && error.status === 404) {
    return `the Devin API at ${displayBaseUrl(config.baseUrl)} does not know organization ${config.orgId} (${error.message})`;
  }
  return null;
}

/**
 * Probes each stream's endpoint with first=1 (session_messages: of the first session, if any).
 * ok when sessions are readable; the message lists every stream the key cannot read and the
 * permission it needs. Never throws for an API problem.
 */
export async function checkConnection(config: TapConfig, options: HttpOptions = {}): Promise<CheckResult> {
  const http = createHttpClient(config, {
    maxRetries: Math.min(config.maxRetries, CHECK_RETRIES),
    ...options,
  });
  try {
    const sessionsDef = findStream('sessions');
    const messagesDef = findStream('session_messages');
    if (!sessionsDef || !messagesDef) throw new Error('stream definitions are missing');
    const first = await firstSession(http, config, sessionsDef);
    if (first.outcome === 'error') {
      const fatal = fatalMessage(first, config);
      if (fatal) return { ok: false, message: redact(fatal, config), unreadable: [] };
    }
    const others = STREAMS.filter(
      (stream) => stream.name !== 'sessions' && stream.name !== 'session_messages',
    );
    const probes = await Promise.all(others.map((stream) => probe(http, config, stream)));
    if (first.outcome === 'ok' && first.session)
      probes.push(await probe(http, config, messagesDef, first.session));
    // Messages need the same permission as sessions: unreadable with them.
    if (isForbidden(first)) probes.push({ ...first, stream: messagesDef });
    return summarize([first, ...probes], config);
  } catch (error) {
    return { ok: false, message: redact(errorMessage(error), config), unreadable: [] };
  } finally {
    http.close();
  }
}

async function firstSession(
  http: HttpClient,
  config: TapConfig,
  sessions: StreamDef,
): Promise<Probe & { session?: JsonObject }> {
  const counters = { requests: 0, retries: 0 };
  const context = { stream: sessions.name, permission: sessions.permission, counters };
  try {
    const page = parsePage(
      await http.getJson(resolvePath(sessions, config.orgId), { first: 1 }, context),
      'sessions',
    );
    const session = page.items[0];
    return isJsonObject(session)
      ? { stream: sessions, outcome: 'ok', session }
      : { stream: sessions, outcome: 'ok' };
  } catch (error) {
    return { stream: sessions, outcome: 'error', error };
  }
}

function summarize(probes: readonly Probe[], config: TapConfig): CheckResult {
  const unreadable = probes.filter(isForbidden).map((probe) => ({
    stream: probe.stream.name,
    permission: probe.stream.permission,
  }));
  const failed = probes.flatMap((probe) =>
    probe.outcome === 'error' && !isForbidden(probe)
      ? [`${probe.stream.name}: ${errorMessage(probe.error)}`]
      : [],
  );
  const sessionsOk = probes.some((probe) => probe.stream.name === 'sessions' && probe.outcome === 'ok');
  const parts: string[] = [];
  parts.push(
    sessionsOk
      ? `Connected to ${config.orgId}: sessions are readable`
      : `Cannot read sessions of ${config.orgId}`,
  );
  if (unreadable.length > 0) {
    const list = unreadable.map(({ stream, permission }) => `${stream} (needs ${permission})`).join(', ');
    parts.push(`the API token cannot read ${list}`);
  }
  if (failed.length > 0) parts.push(`other problems: ${failed.join('; ')}`);
  if (sessionsOk && unreadable.length === 0 && failed.length === 0) parts.push('every stream is readable');
  return { ok: sessionsOk, message: redact(parts.join('; '), config), unreadable };
}
