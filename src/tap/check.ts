import { redact, type TapConfig } from './config.js';
import { checkEnterpriseKey } from './enterprise-key.js';
import { ApiError, errorMessage, RetryExhaustedError, RunEndingApiError } from './errors.js';
import { giveUpMessage } from './give-up.js';
import { createHttpClient, type HttpClient, type HttpOptions } from './http/http.js';
import type { JsonObject } from './json.js';
import { inOrgScope } from './read/pages.js';
import { probeRequest } from './read/probe.js';
import { parentQuery, resolvePath } from './read/stream-path.js';
import { displayBaseUrl } from './redact.js';
import { type StreamDef, streamsOf } from './streams/index.js';

export interface CheckResult {
  ok: boolean;
  message: string;
  unreadable: { stream: string; permission: string }[];
  /** Children with nothing to probe them with (an organization without sessions yet): not a problem. */
  nothingToProbe: { stream: string; parent: string }[];
}

type Probe =
  | { stream: StreamDef; outcome: 'ok'; first?: JsonObject; items?: readonly JsonObject[] }
  | { stream: StreamDef; outcome: 'error'; error: unknown }
  | { stream: StreamDef; outcome: 'unprobed'; why: string }
  | { stream: StreamDef; outcome: 'empty'; parent: string };

/** Retries of a check: enough to ride out a blip, few enough to say "unreachable" quickly. */
const CHECK_RETRIES = 2;
/** Parents whose part of a per-parent child is probed one by one (the first organizations listed). */
const PARENTS_PROBED = 25;

async function probe(
  http: HttpClient,
  config: TapConfig,
  stream: StreamDef,
  parent?: JsonObject,
  parents = false,
): Promise<Probe> {
  const counters = { requests: 0, retries: 0 };
  const context = { stream: stream.name, permission: stream.permission, counters };
  try {
    const request = probeRequest(
      stream,
      resolvePath(stream, config.orgId, parent),
      Math.floor(Date.now() / 1000),
    );
    const many = parents ? { first: Math.min(config.pageSize, PARENTS_PROBED) } : {};
    const query = { ...request.query, ...many, ...(parent ? parentQuery(stream, parent) : {}) };
    const listed = request.records(await http.getJson(request.path, query, context));
    const items = listed.filter((item) => inOrgScope(stream, config, item));
    return items[0] ? { stream, outcome: 'ok', first: items[0], items } : { stream, outcome: 'ok' };
  } catch (error) {
    return { stream, outcome: 'error', error };
  }
}

const isForbidden = (probe: Probe) =>
  probe.outcome === 'error' && probe.error instanceof ApiError && probe.error.status === 403;

function fatalMessage(probe: Probe, config: TapConfig): string | null {
  if (probe.outcome !== 'error') return null;
  const { error } = probe;
  if (error instanceof RunEndingApiError) return error.message;
  if (error instanceof RetryExhaustedError) return giveUpMessage(error, config.baseUrl);
  if (error instanceof ApiError && error.status === 404) {
    return `the Devin API at ${displayBaseUrl(config.baseUrl)} does not know organization ${config.orgId} (${error.message})`;
  }
  return null;
}

/** A child is probed with its parent's first record; without one it cannot be, or it shares the parent's 403. */
async function probeChild(
  http: HttpClient,
  config: TapConfig,
  child: StreamDef,
  parent: Probe,
): Promise<Probe> {
  // A failure of one parent's part is that parent's alone (an organization refusing): probe each.
  if (parent.outcome === 'ok' && parent.items && child.parent?.failures === 'per_parent') {
    const probes = await Promise.all(parent.items.map((item) => probe(http, config, child, item)));
    const at = probes.findIndex((each) => each.outcome === 'error');
    const failed = probes[at];
    if (failed?.outcome !== 'error') return probes[0] ?? { stream: child, outcome: 'ok' };
    const key = child.parent.copy[0];
    const which = key === undefined ? '' : String(parent.items[at]?.[key]);
    const text = errorMessage(failed.error).replace(`${child.name}: `, '');
    const noun = parent.stream.name.replace(/s$/, '');
    return { stream: child, outcome: 'error', error: new Error(`${noun} ${which}: ${text}`) };
  }
  if (parent.outcome === 'ok' && parent.first) return probe(http, config, child, parent.first);
  if (isForbidden(parent) && parent.stream.permission === child.permission)
    return { ...parent, stream: child };
  if (parent.outcome === 'ok') return { stream: child, outcome: 'empty', parent: parent.stream.name };
  return { stream: child, outcome: 'unprobed', why: `${parent.stream.name} unreadable` };
}

/**
 * Probes each stream's endpoint with the smallest request (a child: of its parent's first record,
 * if any). ok when the first stream (the one every output builds on) is readable; the message lists
 * every stream the key cannot read and the permission it needs. Never throws for an API problem.
 */
export async function checkConnection(
  config: TapConfig,
  options: HttpOptions = {},
  definitions: readonly StreamDef[] = streamsOf(config.scope),
): Promise<CheckResult> {
  const http = createHttpClient(config, {
    maxRetries: Math.min(config.maxRetries, CHECK_RETRIES),
    ...options,
  });
  try {
    await checkEnterpriseKey(config, options);
    const roots = definitions.filter((stream) => !stream.parent);
    const lead = roots[0];
    if (!lead) throw new Error('no stream definitions');
    const ofParents = (root: StreamDef) =>
      definitions.some((def) => def.parent?.stream === root.name && def.parent.failures === 'per_parent');
    const first = await probe(http, config, lead, undefined, ofParents(lead));
    const fatal = fatalMessage(first, config);
    if (fatal) return { ok: false, message: redact(fatal, config), unreadable: [], nothingToProbe: [] };
    const rootProbes = [
      first,
      ...(await Promise.all(
        roots.slice(1).map((root) => probe(http, config, root, undefined, ofParents(root))),
      )),
    ];
    const childProbes = await Promise.all(
      definitions.flatMap((child) => {
        const parent = rootProbes.find((candidate) => candidate.stream.name === child.parent?.stream);
        return parent ? [probeChild(http, config, child, parent)] : [];
      }),
    );
    return summarize(lead, [...rootProbes, ...childProbes], config);
  } catch (error) {
    return { ok: false, message: redact(errorMessage(error), config), unreadable: [], nothingToProbe: [] };
  } finally {
    http.close();
  }
}

/** What the key reads, in words: the organization, or the enterprise (and which of its organizations). */
export function scopeName(config: TapConfig): string {
  if (config.scope === 'organization') return config.orgId;
  return config.orgIds === null
    ? 'the enterprise'
    : `the enterprise (organizations ${config.orgIds.join(', ')})`;
}

function summarize(lead: StreamDef, probes: readonly Probe[], config: TapConfig): CheckResult {
  const unreadable = probes.filter(isForbidden).map((probe) => ({
    stream: probe.stream.name,
    permission: probe.stream.permission,
  }));
  const problems = probes.flatMap((probe) => {
    if (probe.outcome === 'unprobed') return [`${probe.stream.name}: not checked (${probe.why})`];
    return probe.outcome === 'error' && !isForbidden(probe)
      ? [`${probe.stream.name}: ${errorMessage(probe.error)}`]
      : [];
  });
  const nothingToProbe = probes.flatMap((probe) =>
    probe.outcome === 'empty' ? [{ stream: probe.stream.name, parent: probe.parent }] : [],
  );
  const leadOk = probes.some((probe) => probe.stream === lead && probe.outcome === 'ok');
  const parts: string[] = [];
  parts.push(
    leadOk
      ? `Connected to ${scopeName(config)}: ${lead.name} are readable`
      : `Cannot read ${lead.name} of ${scopeName(config)}`,
  );
  if (unreadable.length > 0) {
    const list = unreadable.map(({ stream, permission }) => `${stream} (needs ${permission})`).join(', ');
    parts.push(`the API token cannot read ${list}`);
  }
  if (problems.length > 0) parts.push(`other problems: ${problems.join('; ')}`);
  if (nothingToProbe.length > 0) {
    const list = nothingToProbe.map(({ stream, parent }) => `${stream} (no ${parent} yet)`).join(', ');
    parts.push(`nothing to probe ${list}`);
  }
  if (leadOk && unreadable.length === 0 && problems.length === 0)
    parts.push(nothingToProbe.length > 0 ? 'every other stream is readable' : 'every stream is readable');
  return { ok: leadOk, message: redact(parts.join('; '), config), unreadable, nothingToProbe };
}
