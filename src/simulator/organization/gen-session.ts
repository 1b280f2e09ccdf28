import type { JsonObject, JsonValue } from '../../tap/json.js';
import type { IdCodec } from '../core/ids.js';
import { hash, Rng, TAG, unit } from '../core/random.js';
import { SPECIAL } from '../core/special.js';
import { REPOS, title } from '../core/text.js';
import type { UserStore } from './user-store.js';

export const STATUSES = ['new', 'claimed', 'running', 'exit', 'error', 'suspended', 'resuming'] as const;
const STATUS_WEIGHTS = [0.05, 0.1, 0.25, 0.75, 0.83, 0.95, 1];
const STATUS_DETAILS: Record<string, readonly (string | null)[]> = {
  new: [null],
  claimed: [null],
  running: ['working', 'waiting_for_user', 'waiting_for_approval'],
  exit: ['finished'],
  error: [null, 'out_of_credits'],
  suspended: ['inactivity', 'user_request', 'out_of_credits', 'usage_limit_exceeded'],
  resuming: [null],
};
/** The origins the simulator gives its sessions. */
export const ORIGINS = [
  'webapp',
  'slack',
  'teams',
  'api',
  'linear',
  'jira',
  'automation',
  'cli',
  'desktop',
  'other',
];
const CATEGORIES = [
  'bug_fixing',
  'feature_development',
  'refactoring_and_optimization',
  'testing',
  'documentation',
  'devops_and_infrastructure',
];
const TAGS = ['frontend', 'backend', 'urgent', 'customer:acme', 'team/platform', 'q3-okr', 'needs-review'];
const PR_STATES = ['open', 'merged', 'closed', null] as const;

export function statusDetail(status: string, rng: Rng): string | null {
  return rng.pick(STATUS_DETAILS[status] ?? [null]);
}

export interface SessionContext {
  seed: number;
  orgId: string;
  baseCount: number;
  sessionIds: IdCodec;
  playbookId: (index: number) => string;
  playbookCount: number;
  /** The members sessions are attributed to; an org without members gets random user ids. */
  users: UserStore;
}

/** Whether base session `index` is a child of `index - 1` (children never among added sessions). */
function isChild(context: SessionContext, index: number): boolean {
  if (index <= SPECIAL.unicode + 1 || index >= context.baseCount) return false;
  return unit(hash(context.seed, TAG.parent, index)) < 0.04;
}

export function isUnicodeSession(seed: number, index: number): boolean {
  return index === SPECIAL.unicode || unit(hash(seed, TAG.sessionFields + 50, index)) < 0.15;
}

function pickStatus(rng: Rng, index: number): string {
  if (index === SPECIAL.noMessages) return 'new';
  const roll = rng.next();
  return STATUSES[STATUS_WEIGHTS.findIndex((weight) => roll < weight)] ?? 'exit';
}

function pullRequests(rng: Rng, index: number): JsonObject[] {
  const states = index === SPECIAL.unicode ? PR_STATES : rng.some(PR_STATES, 0, 2);
  return states.map((state) => ({
    pr_url: `https://github.com/${rng.pick(REPOS)}/pull/${rng.int(1, 9999)}`,
    pr_state: state,
  }));
}

/** Who ran the session. The random draws are made either way, so the fields after them never shift. */
function userIds(
  rng: Rng,
  origin: string,
  index: number,
  users: UserStore,
): { user_id: string | null; service_user_id: string | null } {
  if (index !== SPECIAL.unicode && (origin === 'api' || origin === 'automation') && rng.chance(0.7)) {
    const random = `service-user-${rng.hex(16)}`;
    const service = users.sessionServiceUser(index);
    return {
      user_id: null,
      service_user_id: service === null ? random : (users.serviceUserIds[service] ?? random),
    };
  }
  const kind = index === SPECIAL.unicode ? 'email' : rng.pick(['email', 'github', 'google-oauth2']);
  const id = kind === 'github' ? String(rng.int(10_000, 9_999_999)) : rng.hex(24);
  return { user_id: users.sessionUserId(index) ?? `${kind}|${id}`, service_user_id: null };
}

function structuredOutput(rng: Rng, index: number): JsonValue {
  if (index !== SPECIAL.nullTitle && rng.chance(0.6)) return null;
  return {
    summary: 'Changes applied',
    result: {
      files_changed: rng.some(['src/app.ts', 'README.md', 'db/schema.sql', 'ci.yml'], 1, 3),
      tests: { passed: rng.int(0, 400), failed: rng.int(0, 3), suites: [{ name: 'unit', ok: true }] },
      deep: { level1: { level2: { level3: [1, 'two', { three: null }] } } },
    },
    confidence: Math.round(rng.next() * 100) / 100,
  };
}

/** One session's fields from (seed, index); timestamps and overlays come from the store. */
export function generateSession(
  context: SessionContext,
  index: number,
  createdAt: number,
  updatedAt: number,
): JsonObject {
  const rng = new Rng(hash(context.seed, TAG.sessionFields, index));
  const id = context.sessionIds.id(index);
  const status = pickStatus(rng, index);
  const origin = rng.pick(ORIGINS);
  const nullTitle = index === SPECIAL.nullTitle || (index > SPECIAL.unicode && rng.chance(0.06));
  const category = rng.chance(0.85) ? rng.pick(CATEGORIES) : null;
  const parentOf = isChild(context, index + 1) ? [context.sessionIds.id(index + 1)] : null;
  const session: JsonObject = {
    session_id: id,
    org_id: context.orgId,
    url: `https://app.devin.ai/sessions/${id.slice('devin-'.length)}`,
    status,
    status_detail: statusDetail(status, rng),
    title: nullTitle ? null : title(rng, isUnicodeSession(context.seed, index)),
    tags: rng.some(TAGS, 0, 3),
    acus_consumed: Math.round(rng.next() * 4000 + 1) / 100,
    created_at: createdAt,
    updated_at: updatedAt,
    pull_requests: pullRequests(rng, index),
    ...userIds(rng, origin, index, context.users),
    playbook_id:
      context.playbookCount > 0 && rng.chance(0.3)
        ? context.playbookId(rng.int(0, context.playbookCount - 1))
        : null,
    parent_session_id: isChild(context, index) ? context.sessionIds.id(index - 1) : null,
    child_session_ids: parentOf ?? (rng.chance(0.5) ? [] : null),
    is_archived: rng.chance(0.05),
    structured_output: structuredOutput(rng, index),
    category,
    subcategory: category && rng.chance(0.5) ? `${category}/${rng.pick(['small', 'large', 'urgent'])}` : null,
    origin: rng.chance(0.95) ? origin : null,
  };
  if (index === SPECIAL.unicode || rng.chance(0.1)) session.beta_flag = { cohort: 'canary', since: 2025 };
  return session;
}
