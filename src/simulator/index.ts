import type { Server } from 'node:http';
import type { JsonObject } from '../tap/json.js';
import { handleApi } from './api.js';
import { createOrgData } from './data.js';
import { Network, type NetworkOptions } from './network.js';
import { closeServer, listen, type RequestLogEntry } from './server.js';
import type { SessionChange } from './session-store.js';

export type { RequestLogEntry } from './server.js';
export { SPECIAL } from './special.js';

export interface SimulatorOptions {
  /** Default 0 (pick a free port); the host is always 127.0.0.1. */
  port?: number;
  seed?: number;
  sessions?: number;
  /** An average: some sessions have 0, one has 500+. */
  messagesPerSession?: number;
  playbooks?: number;
  secrets?: number;
  knowledgeNotes?: number;
  latencyMs?: number;
  /** Requests per second; 0 = off. */
  rateLimit?: number;
  /** 0..1 */
  faultRate?: number;
  orgId?: string;
  /** Request log entries kept (oldest dropped first); default 200,000. */
  requestLogLimit?: number;
}

export type ResolvedOptions = Required<SimulatorOptions>;

export interface Simulator {
  readonly baseUrl: string;
  readonly orgId: string;
  readonly token: string;
  readonly options: ResolvedOptions;
  restrictedToken(permissions: readonly string[]): string;
  config(): { api_token: string; org_id: string; base_url: string };
  sessions(): Iterable<JsonObject>;
  insights(): Iterable<JsonObject>;
  messages(sessionId: string): Iterable<JsonObject>;
  playbooks(): Iterable<JsonObject>;
  secrets(): Iterable<JsonObject>;
  knowledgeNotes(): Iterable<JsonObject>;
  addSessions(count: number): string[];
  updateSession(sessionId: string, change: SessionChange): void;
  deleteSession(sessionId: string): void;
  updatePlaybook(playbookId: string): void;
  deletePlaybook(playbookId: string): void;
  setNetwork(options: Partial<NetworkOptions>): void;
  readonly requestLog: readonly RequestLogEntry[];
  clearRequestLog(): void;
  close(): Promise<void>;
}

const DEFAULTS: ResolvedOptions = {
  port: 0,
  seed: 1,
  sessions: 200,
  messagesPerSession: 20,
  playbooks: 25,
  secrets: 25,
  knowledgeNotes: 25,
  latencyMs: 0,
  rateLimit: 0,
  faultRate: 0,
  orgId: 'org-sim0001',
  requestLogLimit: 200_000,
};

const COUNTS = [
  'port',
  'seed',
  'sessions',
  'messagesPerSession',
  'playbooks',
  'secrets',
  'knowledgeNotes',
] as const;

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const resolved = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options))
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  for (const key of [...COUNTS, 'requestLogLimit'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 0)
      throw new RangeError(`${key} must be an integer >= 0`);
  }
  if (resolved.port > 65_535) throw new RangeError('port must be from 0 to 65535');
  if (resolved.sessions > 0xffff_ffff) throw new RangeError('sessions must be below 2^32');
  if (!/^org[-_][A-Za-z0-9_-]+$/.test(resolved.orgId))
    throw new RangeError('orgId must start with org- or org_');
  return resolved;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const data = createOrgData(resolved);
  const network = new Network(resolved.seed, resolved);
  const log: RequestLogEntry[] = [];
  const { server, port } = await listen(resolved.port, {
    network,
    handle: (method, url, authorization) => handleApi(data, method, url, authorization),
    log: (entry) => {
      if (log.length >= resolved.requestLogLimit) log.splice(0, Math.ceil(resolved.requestLogLimit / 2));
      log.push(entry);
    },
  });
  return buildSimulator(server, port, resolved, data, network, log);
}

function buildSimulator(
  server: Server,
  port: number,
  options: ResolvedOptions,
  data: ReturnType<typeof createOrgData>,
  network: Network,
  log: RequestLogEntry[],
): Simulator {
  const baseUrl = `http://127.0.0.1:${port}`;
  const { sessions } = data;
  const sessionIndex = (id: string): number => {
    const index = sessions.indexOf(id);
    if (index === null) throw new RangeError(`unknown session id: ${id}`);
    return index;
  };
  const orgIndex = (store: typeof data.playbooks, id: string): number => {
    const index = store.indexOf(id);
    if (index === null) throw new RangeError(`unknown id: ${id}`);
    return index;
  };
  function* liveSessions(): Generator<number> {
    for (let index = sessions.size - 1; index >= 0; index--) if (sessions.isLive(index)) yield index;
  }
  return {
    baseUrl,
    orgId: options.orgId,
    token: data.tokens.main,
    options: { ...options, port },
    restrictedToken: (permissions) => data.tokens.restricted(permissions),
    config: () => ({ api_token: data.tokens.main, org_id: options.orgId, base_url: baseUrl }),
    *sessions() {
      for (const index of liveSessions()) yield sessions.session(index);
    },
    *insights() {
      for (const index of liveSessions()) yield sessions.insight(index);
    },
    *messages(sessionId) {
      const index = sessionIndex(sessionId);
      for (let ordinal = 0; ordinal < sessions.messageCount(index); ordinal++)
        yield sessions.message(index, ordinal);
    },
    playbooks: () => data.playbooks.all(),
    secrets: () => data.secrets.all(),
    knowledgeNotes: () => data.notes.all(),
    addSessions: (count) => {
      if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('count must be an integer >= 0');
      return sessions.add(count);
    },
    updateSession: (sessionId, change) => {
      const extra = change.newMessages;
      if (extra !== undefined && (!Number.isSafeInteger(extra) || extra < 0)) {
        throw new RangeError('newMessages must be an integer >= 0');
      }
      sessions.update(sessionIndex(sessionId), change);
    },
    deleteSession: (sessionId) => sessions.delete(sessionIndex(sessionId)),
    updatePlaybook: (id) => data.playbooks.update(orgIndex(data.playbooks, id)),
    deletePlaybook: (id) => data.playbooks.delete(orgIndex(data.playbooks, id)),
    setNetwork: (changes) => network.set(changes),
    requestLog: log,
    clearRequestLog: () => {
      log.length = 0;
    },
    close: () => closeServer(server),
  };
}
