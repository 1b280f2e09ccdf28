/**
 * What each enterprise stream (issue 18, the enterprise contract) must yield against the simulator,
 * computed from the simulator's own data, the way test/helpers/ground-truth.ts does for one organization.
 * Timestamps are epoch seconds; per-organization streams carry `org_id`.
 */
import type { ConsumptionWindow, Simulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { consumptionWindow, SECRET_FIELDS, withProductColumns } from './helpers/ground-truth.js';
import { expectedOrgScope, metricDays } from './org-scope-truth.js';

const DAY = 86_400;

/** Each enterprise stream's primary key columns, as the contract names them. */
export const ENTERPRISE_KEYS: Record<string, readonly string[]> = {
  organizations: ['org_id'],
  sessions: ['session_id'],
  sessions_insights: ['session_id'],
  session_messages: ['session_id', 'event_id'],
  session_attachments: ['session_id', 'attachment_id'],
  playbooks: ['playbook_id'],
  knowledge_notes: ['note_id'],
  secrets: ['org_id', 'secret_id'],
  schedules: ['org_id', 'scheduled_session_id'],
  repositories: ['org_id', 'repo_path'],
  metrics_active_users: ['org_id', 'period', 'start_time'],
  metrics_prs: ['org_id', 'date'],
  metrics_sessions: ['org_id', 'date'],
  metrics_searches: ['org_id', 'date'],
  metrics_categories: ['org_id', 'date'],
  users: ['user_id'],
  idp_users: ['user_id'],
  service_users: ['service_user_id'],
  idp_groups: ['idp_group_name'],
  roles: ['role_id'],
  consumption_daily: ['date'],
  consumption_by_org: ['org_id', 'date'],
  consumption_by_user: ['user_id', 'date'],
  consumption_by_service_user: ['service_user_id', 'date'],
  billing_cycles: ['after'],
  acu_limits: ['acu_limit_key'],
  audit_logs: ['audit_log_id'],
};

export const ENTERPRISE_STREAMS = Object.keys(ENTERPRISE_KEYS);

/** A record's primary key as one string (columns joined by `/`). */
export function enterpriseKey(stream: string, row: JsonObject): string {
  return (ENTERPRISE_KEYS[stream] ?? []).map((column) => String(row[column])).join('/');
}

/** The tap's key of an ACU limit: scope || ':' || coalesce(org_id, '') || ':' || coalesce(user_id, ''). */
export function acuLimitKey(row: JsonObject): string {
  return `${String(row.scope)}:${typeof row.org_id === 'string' ? row.org_id : ''}:${typeof row.user_id === 'string' ? row.user_id : ''}`;
}

export interface EnterpriseTruthOptions {
  /** The consumption window a first read covers (default: 400 days before now). */
  window?: ConsumptionWindow;
  /** The metrics read from `metricsFrom` to `now` (default: the last 90 days). */
  now?: number;
  metricsFrom?: number;
  /** The organizations read (default: all). */
  orgIds?: readonly string[];
}

function days(reply: JsonObject, extra: JsonObject = {}): JsonObject[] {
  return (reply.consumption_by_date as JsonObject[]).map((day) => ({ ...withProductColumns(day), ...extra }));
}

function pick(row: JsonObject, fields: readonly string[]): JsonObject {
  return Object.fromEntries(
    fields.flatMap((field) => (row[field] === undefined ? [] : [[field, row[field]]])),
  );
}

/** The streams read per organization (org-scope endpoints with the enterprise key), `org_id` added. */
function perOrg(
  sim: Simulator,
  orgIds: readonly string[],
  from: number,
  now: number,
): Record<string, JsonObject[]> {
  const out: Record<string, JsonObject[]> = {};
  const push = (stream: string, rows: JsonObject[], orgId: string) =>
    (out[stream] = [...(out[stream] ?? []), ...rows.map((row) => ({ ...row, org_id: orgId }))]);
  for (const orgId of orgIds) {
    const org = sim.organization(orgId);
    push(
      'secrets',
      [...org.secrets()].map((row) => pick(row, SECRET_FIELDS)),
      orgId,
    );
    const scope = expectedOrgScope(org, from, now);
    for (const stream of [
      'schedules',
      'repositories',
      'metrics_active_users',
      'metrics_prs',
      'metrics_sessions',
      'metrics_searches',
    ])
      push(stream, scope[stream] ?? [], orgId);
    const categories = metricDays(from, now).map((date) => ({
      date,
      categories: sim.enterprise.sessionsByCategory(date, date + DAY, [orgId]),
    }));
    push('metrics_categories', categories, orgId);
  }
  return out;
}

/** The enterprise-wide lists (sessions and their children, playbooks, notes), over the orgs read. */
function acrossOrgs(sim: Simulator, orgIds: readonly string[]): Record<string, JsonObject[]> {
  const orgs = orgIds.map((id) => sim.organization(id));
  const sessions = orgs.flatMap((org) => [...org.sessions()]);
  return {
    sessions,
    sessions_insights: orgs.flatMap((org) => [...org.insights()]),
    session_messages: orgs.flatMap((org) =>
      [...org.sessions()].flatMap((session) =>
        [...org.messages(String(session.session_id))].map((message) => ({
          ...message,
          session_id: session.session_id ?? null,
          org_id: session.org_id ?? null,
        })),
      ),
    ),
    session_attachments: orgs.flatMap((org) =>
      [...org.sessions()].flatMap((session) =>
        org.attachments(String(session.session_id)).map((attachment) => ({
          ...attachment,
          session_id: session.session_id ?? null,
          updated_at: session.updated_at ?? null,
          org_id: session.org_id ?? null,
        })),
      ),
    ),
    playbooks: orgs.flatMap((org) => [...org.playbooks()]),
    knowledge_notes: orgs.flatMap((org) => [...org.knowledgeNotes()]),
  };
}

/** People, cost and the audit log, from the enterprise endpoints' own computations. */
function enterpriseWide(
  sim: Simulator,
  orgIds: readonly string[],
  window: ConsumptionWindow,
): Record<string, JsonObject[]> {
  const e = sim.enterprise;
  const users = e.users();
  const serviceUsers = e
    .serviceUsers()
    .map((row) => pick(row, ['service_user_id', 'name', 'expires_at', 'role_assignments']));
  return {
    organizations: e.organizations().filter((org) => orgIds.includes(String(org.org_id))),
    users,
    idp_users: e.idpUsers(),
    service_users: serviceUsers,
    idp_groups: e.idpGroups(),
    roles: e.roles(),
    consumption_daily: days(e.consumptionDaily(window)),
    consumption_by_org: orgIds.flatMap((orgId) => days(e.orgConsumption(orgId, window), { org_id: orgId })),
    consumption_by_user: users.flatMap((user) =>
      days(e.userConsumption(String(user.user_id), window), { user_id: user.user_id ?? null }),
    ),
    consumption_by_service_user: serviceUsers.flatMap((row) =>
      days(e.serviceUserConsumption(String(row.service_user_id), window), {
        service_user_id: row.service_user_id ?? null,
      }),
    ),
    billing_cycles: e.billingCycles(),
    // As served (an absent org_id or user_id stays absent), with the key the tap derives.
    acu_limits: e.acuLimits().map((row) => ({ ...row, acu_limit_key: acuLimitKey(row) })),
    audit_logs: e.auditLogs(),
  };
}

/** What every enterprise stream must yield for a first read, as arrays in the API's order. */
export function expectedEnterprise(
  sim: Simulator,
  options: EnterpriseTruthOptions = {},
): Record<string, JsonObject[]> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const from = options.metricsFrom ?? now - 90 * DAY;
  const orgIds = options.orgIds ?? sim.orgIds;
  return {
    ...enterpriseWide(sim, orgIds, options.window ?? consumptionWindow()),
    ...acrossOrgs(sim, orgIds),
    ...perOrg(sim, orgIds, from, now),
  };
}

/** The same, keyed by each stream's primary key (see ENTERPRISE_KEYS). */
export function expectedEnterpriseByKey(
  sim: Simulator,
  options: EnterpriseTruthOptions = {},
): Record<string, Map<string, JsonObject>> {
  return Object.fromEntries(
    Object.entries(expectedEnterprise(sim, options)).map(([stream, rows]) => [
      stream,
      new Map(rows.map((row) => [enterpriseKey(stream, row), row])),
    ]),
  );
}
