import type { JsonObject, JsonValue } from '../tap/json.js';
import type { HostileModes } from './hostile/hostile-modes.js';
import type { HostileTargets } from './hostile/hostile-targets.js';
import type { NetworkOptions } from './network.js';
import type { ConsumptionWindow } from './organization/consumption-reply.js';
import type { Period } from './organization/metrics.js';
import type { SessionChange } from './organization/session-store.js';
import type { UserChange } from './organization/user-store.js';
import type { RequestLogEntry } from './server.js';
import type { ConsumptionChange } from './views/cost-view.js';
import type { EnterpriseView } from './views/enterprise-view.js';
import type { MetricKind } from './views/org-scope-view.js';
import type { OrgView as OrganizationView } from './views/org-view.js';

/** The simulator's options and its programmatic face (re-exported by index.ts). */
export type { ConsumptionChange, HostileTargets };

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
  /** Organization members (default 40); sessions are attributed to them with a skew. */
  users?: number;
  /** Schedules `/schedules` lists (default 12). */
  schedules?: number;
  latencyMs?: number;
  /** Requests per second; 0 = off. */
  rateLimit?: number;
  /** 0..1 */
  faultRate?: number;
  orgId?: string;
  /** Request log entries kept (oldest dropped first); default 200,000. */
  requestLogLimit?: number;
  /** Hostile data (all off by default); `setHostile` switches them later. */
  hostile?: Partial<HostileModes>;
  /**
   * Organizations of the enterprise (1..50, default 1). The first is the organization the other options
   * describe; each further one is a third of its size, with its own data and some of its members.
   */
  orgs?: number;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'hostile'>> & { hostile: HostileModes };

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
  /** While held, every change lands in the second of the last change (changes sharing a bookmark's second). */
  holdClock(held: boolean): void;
  deletePlaybook(playbookId: string): void;
  /** Members in the order `/members/users` lists them. */
  users(): Iterable<JsonObject>;
  /** The service users sessions are attributed to (`service-user-...`). */
  serviceUserIds(): readonly string[];
  /** What `/consumption/daily` answers for this query (no time_after: the current billing cycle). */
  consumptionDaily(window?: ConsumptionWindow): JsonObject;
  /** What `/consumption/daily/users/{user_id}` answers. */
  userConsumption(userId: string, window?: ConsumptionWindow): JsonObject;
  /** What `/consumption/daily/service-users/{id}` answers. */
  serviceUserConsumption(serviceUserId: string, window?: ConsumptionWindow): JsonObject;
  /** Members through IdP groups (`samlp|acme-okta|...`): they run sessions, `/members/users` does not list them. */
  groupMemberIds(): readonly string[];
  /** ACUs no listed member or service user accounts for (IdP-group members, org-level usage). */
  unattributedConsumption(window?: ConsumptionWindow): JsonObject;
  /** Start of the current billing cycle (what a consumption request without time_after covers) and of the last billing day. */
  billing(): { cycleStart: number; lastDay: number };
  /** A new member at the end of the list; returns its user_id (`email|added...`). */
  addUser(user?: UserChange): string;
  /** Rename a member or change its email. */
  updateUser(userId: string, change: UserChange): void;
  /** Remove a member from the list; its consumption history stays, in the org's days and its own endpoint. */
  removeUser(userId: string, history?: 'kept' | 'gone'): void;
  /** Bill more ACUs to a member, a service user or nobody listed, on a day (default: the last billing day). */
  addConsumption(change: ConsumptionChange): void;
  /** Members through IdP groups as `/members/idp-users` lists them (the ids of groupMemberIds). */
  idpUsers(): JsonObject[];
  /** Every schedule as `/schedules` serves them (ISO 8601 timestamps). */
  schedules(): JsonObject[];
  /** What `/repositories` lists (`withStatus`: as with load_indexing_status=true, the default). */
  repositories(withStatus?: boolean): JsonObject[];
  /** What `/sessions/{devin_id}/attachments` answers (a bare array). */
  attachments(sessionId: string): JsonObject[];
  /** One more attachment on a session; the session's updated_at moves. Returns the new attachment. */
  addAttachment(sessionId: string): JsonObject;
  /** What `/metrics/{dau|wau|mau}` answers for [after, before). */
  activeUsers(period: Period, after: number, before: number): JsonValue;
  /** What `/metrics/{prs|sessions|searches|usage}` answers for [after, before). */
  metric(kind: MetricKind, after: number, before: number): JsonObject;
  setNetwork(options: Partial<NetworkOptions>): void;
  /** Switch hostile modes on or off; omitted modes keep their current setting. */
  setHostile(modes: Partial<HostileModes>): void;
  /** Which records the hostile modes strike (whether or not they are switched on now). */
  hostileTargets(): HostileTargets;
  /** Strings no output may ever hold: the API token and every secret value the API should not have sent. */
  leakCanaries(): string[];
  readonly requestLog: readonly RequestLogEntry[];
  clearRequestLog(): void;
  /** The enterprise's organizations, the first being `orgId` (one unless `orgs` was given). */
  readonly orgIds: readonly string[];
  /** An enterprise key: every enterprise permission, and every org permission in each organization. */
  readonly enterpriseToken: string;
  /** An enterprise key without ManageBilling (403 on the enterprise consumption routes only). */
  readonly noBillingToken: string;
  /** A new enterprise key holding every enterprise and inherited org permission but `permissions`. */
  enterpriseTokenWithout(permissions: readonly string[]): string;
  /** An organization's own key (org-scoped: 403 on enterprise paths and on other organizations). */
  orgToken(orgId: string): string;
  /** One organization's ground truth and changes (the first's are this object's own methods). */
  organization(orgId: string): OrganizationView;
  /** What the `/v3/enterprise/...` endpoints answer (ground truth for tests). */
  readonly enterprise: EnterpriseView;
  /** A config for an enterprise read: the enterprise key, `scope: enterprise`, no org_id. */
  enterpriseConfig(): { api_token: string; base_url: string; scope: 'enterprise' };
  /** Make the enterprise keys get 403 on one org-scope path of one organization (e.g. `secrets`). */
  denyOrgPath(orgId: string, path: string, denied?: boolean): void;
  close(): Promise<void>;
}
