import type { JsonObject } from '../../tap/json.js';
import { hash, hex8, Rng, TAG } from '../core/random.js';
import { WINDOW_END } from '../core/timeline.js';
import type { OrgData } from '../organization/data.js';

const DAY = 86_400;
/** How far back the generated log reaches, and how many entries it holds for one organization. */
const SPAN = 200 * DAY;
const PER_ORG = 220;
const MORE_PER_ORG = 30;
const ORG_ACTIONS = [
  'session.created',
  'session.archived',
  'playbook.created',
  'playbook.updated',
  'secret.created',
  'secret.deleted',
  'knowledge_note.updated',
  'member.invited',
  'member.role_changed',
  'schedule.created',
  'repository.indexed',
  'api_key.created',
];
const ENTERPRISE_ACTIONS = [
  'enterprise.sso_settings.updated',
  'organization.acu_limit.updated',
  'role.updated',
];

export interface Actor {
  user_id: string | null;
  user_email: string | null;
  service_user_id: string | null;
  service_user_name: string | null;
}

const NOBODY: Actor = { user_id: null, user_email: null, service_user_id: null, service_user_name: null };

function actorOf(rng: Rng, org: OrgData): Actor {
  const { users } = org;
  if (users.serviceUserIds.length > 0 && rng.chance(0.2)) {
    const id = rng.pick(users.serviceUserIds);
    return { ...NOBODY, service_user_id: id, service_user_name: `Automation ${id.slice(-4)}` };
  }
  if (users.baseCount === 0) return NOBODY;
  const user = users.user(rng.int(0, users.baseCount - 1));
  return {
    ...NOBODY,
    user_id: typeof user.user_id === 'string' ? user.user_id : null,
    user_email: typeof user.email === 'string' ? user.email : null,
  };
}

/**
 * The enterprise audit log, oldest first: a few hundred entries over the ~200 days before the data
 * window ends, then one entry per change a test makes (at the change's time on the logical clock).
 */
export class AuditLog {
  private readonly items: JsonObject[];

  constructor(
    private readonly seed: number,
    orgs: readonly OrgData[],
  ) {
    const count = PER_ORG + MORE_PER_ORG * (orgs.length - 1);
    const step = Math.floor(SPAN / count);
    this.items = Array.from({ length: count }, (_, n) => {
      const rng = new Rng(hash(seed, TAG.audit, n));
      const at = WINDOW_END - SPAN + n * step + rng.int(0, step - 1);
      const org = orgs[rng.int(0, orgs.length - 1)];
      if (org === undefined || rng.chance(0.05)) {
        return this.entry(n, rng.pick(ENTERPRISE_ACTIONS), at, null, { setting: 'sso' }, NOBODY);
      }
      const action = rng.pick(ORG_ACTIONS);
      const data: JsonObject = {
        target_id: `${action.split('.')[0]}-${rng.hex(12)}`,
        ip: `203.0.113.${rng.int(1, 254)}`,
      };
      return this.entry(n, action, at, org.orgId, data, actorOf(rng, org));
    });
  }

  private entry(
    n: number,
    action: string,
    at: number,
    orgId: string | null,
    data: JsonObject,
    actor: Actor,
  ): JsonObject {
    return {
      audit_log_id: `audit-log-${hex8(hash(this.seed, TAG.audit + 1, n))}${hex8(n)}`,
      action,
      created_at: at,
      data,
      org_id: orgId,
      ...actor,
    };
  }

  /** Every entry, oldest first (created_at never decreases). */
  all(): readonly JsonObject[] {
    return this.items;
  }

  /** One more entry at `at` (a change a test made), done by the simulator's own service user. */
  record(action: string, at: number, orgId: string | null, data: JsonObject): JsonObject {
    const actor: Actor = {
      ...NOBODY,
      service_user_id: 'service-user-simulator-tests',
      service_user_name: 'devin-tap simulator tests',
    };
    const item = this.entry(this.items.length, action, at, orgId, data, actor);
    this.items.push(item);
    return item;
  }
}
