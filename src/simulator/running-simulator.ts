import type { Server } from 'node:http';
import type { JsonObject } from '../tap/json.js';
import { type HostileModes, resolveHostile } from './hostile/hostile-modes.js';
import { hostileTargets, leakCanaries } from './hostile/hostile-targets.js';
import type { HostileTargets, ResolvedOptions, Simulator } from './index.js';
import type { Network, NetworkOptions } from './network.js';
import type { createOrgData } from './organization/data.js';
import type { OrgStore } from './organization/org-store.js';
import type { SessionChange } from './organization/session-store.js';
import { closeServer, type RequestLogEntry } from './server.js';
import { OrgScopeView } from './views/org-scope-view.js';

type OrgData = ReturnType<typeof createOrgData>;

function known(index: number | null, id: string): number {
  if (index === null) throw new RangeError(`unknown id: ${id}`);
  return index;
}

/** The programmatic face of a listening simulator: ground truth, changes, network knobs, request log. */
export class RunningSimulator extends OrgScopeView implements Simulator {
  readonly baseUrl: string;
  readonly orgId: string;
  readonly token: string;
  readonly options: ResolvedOptions;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    port: number,
    options: ResolvedOptions,
    data: OrgData,
    private readonly network: Network,
    private readonly log: RequestLogEntry[],
  ) {
    super(data);
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.orgId = options.orgId;
    this.token = data.tokens.main;
    this.options = { ...options, port };
  }

  get requestLog(): readonly RequestLogEntry[] {
    return this.log;
  }

  restrictedToken(permissions: readonly string[]): string {
    return this.data.tokens.restricted(permissions);
  }

  config(): { api_token: string; org_id: string; base_url: string } {
    return { api_token: this.token, org_id: this.orgId, base_url: this.baseUrl };
  }

  /** Live session indexes, newest first (the API's order). */
  private *liveSessions(): Generator<number> {
    const { sessions } = this.data;
    for (let index = sessions.size - 1; index >= 0; index--) if (sessions.isLive(index)) yield index;
  }

  private sessionIndex(sessionId: string): number {
    const index = this.data.sessions.indexOf(sessionId);
    if (index === null) throw new RangeError(`unknown session id: ${sessionId}`);
    return index;
  }

  *sessions(): Generator<JsonObject> {
    for (const index of this.liveSessions()) yield this.data.sessions.session(index);
  }

  *insights(): Generator<JsonObject> {
    for (const index of this.liveSessions()) yield this.data.sessions.insight(index);
  }

  *messages(sessionId: string): Generator<JsonObject> {
    const index = this.sessionIndex(sessionId);
    const { sessions } = this.data;
    for (let ordinal = 0; ordinal < sessions.messageCount(index); ordinal++)
      yield sessions.message(index, ordinal);
  }

  playbooks(): Iterable<JsonObject> {
    return this.data.playbooks.all();
  }

  secrets(): Iterable<JsonObject> {
    return this.data.secrets.all();
  }

  knowledgeNotes(): Iterable<JsonObject> {
    return this.data.notes.all();
  }

  addSessions(count: number): string[] {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('count must be an integer >= 0');
    return this.data.sessions.add(count);
  }

  updateSession(sessionId: string, change: SessionChange): void {
    const extra = change.newMessages;
    if (extra !== undefined && (!Number.isSafeInteger(extra) || extra < 0)) {
      throw new RangeError('newMessages must be an integer >= 0');
    }
    this.data.sessions.update(this.sessionIndex(sessionId), change);
  }

  deleteSession(sessionId: string): void {
    this.data.sessions.delete(this.sessionIndex(sessionId));
  }

  holdClock(held: boolean): void {
    this.data.clock.held = held;
  }

  updatePlaybook(playbookId: string): void {
    const store: OrgStore = this.data.playbooks;
    store.update(known(store.indexOf(playbookId), playbookId));
  }

  deletePlaybook(playbookId: string): void {
    const store: OrgStore = this.data.playbooks;
    store.delete(known(store.indexOf(playbookId), playbookId));
  }

  setNetwork(options: Partial<NetworkOptions>): void {
    this.network.set(options);
  }

  setHostile(modes: Partial<HostileModes>): void {
    const { hostile, sessions } = this.data;
    hostile.modes = resolveHostile(modes, hostile.modes);
    this.options.hostile = hostile.modes;
    sessions.version++;
  }

  hostileTargets(): HostileTargets {
    return hostileTargets(this.data);
  }

  leakCanaries(): string[] {
    return leakCanaries(this.data);
  }

  clearRequestLog(): void {
    this.log.length = 0;
  }

  /** Idempotent: later calls return the first call's promise. */
  close(): Promise<void> {
    this.closing ??= closeServer(this.server);
    return this.closing;
  }
}
