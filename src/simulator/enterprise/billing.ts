import type { JsonObject } from '../../tap/json.js';
import { byUser } from '../endpoints/cost-api.js';
import { billingCycleStart, type Cents, dayStart, type Owner } from '../organization/consumption.js';
import { type ConsumptionWindow, replyFromCents } from '../organization/consumption-reply.js';
import type { OrgData } from '../organization/data.js';
import type { Enterprise } from './enterprise.js';

const ENTERPRISE_LIMIT = 20_000;
const USER_LIMITS = [250, 500, 150];

function add(total: Cents, cents: Cents): Cents {
  for (let n = 0; n < 4; n++) total[n] = (total[n] ?? 0) + (cents[n] ?? 0);
  return total;
}

/** What an organization's own days show at enterprise scope: Cascade and Terminal belong to no organization. */
export function orgShare(cents: Cents): Cents {
  return [cents[0], 0, 0, cents[3]];
}

function first(enterprise: Enterprise): OrgData {
  const org = enterprise.orgs[0];
  if (!org) throw new RangeError('an enterprise has at least one organization');
  return org;
}

/** The enterprise's billed days: every organization's whole days, Cascade and Terminal included. */
export function enterpriseDaily(enterprise: Enterprise, window: ConsumptionWindow): JsonObject {
  return replyFromCents(first(enterprise).consumption, window, (day) =>
    enterprise.orgs.reduce<Cents>((total, org) => add(total, org.consumption.orgCents(day)), [0, 0, 0, 0]),
  );
}

export function orgDaily(enterprise: Enterprise, org: OrgData, window: ConsumptionWindow): JsonObject {
  return replyFromCents(first(enterprise).consumption, window, (day) =>
    orgShare(org.consumption.orgCents(day)),
  );
}

/** The organizations an owner is billed in, with its owner in each; empty when unknown. */
function ownersOf(enterprise: Enterprise, find: (org: OrgData) => Owner | undefined): [OrgData, Owner][] {
  return enterprise.orgs.flatMap((org): [OrgData, Owner][] => {
    const owner = find(org);
    return owner ? [[org, owner]] : [];
  });
}

/** A user's days summed across the organizations it belongs to; null when no organization knows it. */
export function userDaily(
  enterprise: Enterprise,
  userId: string,
  window: ConsumptionWindow,
): JsonObject | null {
  return ownersDaily(
    enterprise,
    ownersOf(enterprise, (org) => byUser(org, userId)),
    window,
  );
}

export function serviceUserDaily(
  enterprise: Enterprise,
  id: string,
  window: ConsumptionWindow,
): JsonObject | null {
  const owners = ownersOf(enterprise, (org) => {
    const index = org.users.serviceIndexOf(id);
    return index === null ? undefined : { kind: 'service', index };
  });
  // The enterprise's own service user is known and has used nothing.
  if (owners.length === 0 && id === 'service-user-enterprise-sim')
    return { consumption_by_date: [], total_acus: 0 };
  return ownersDaily(enterprise, owners, window);
}

function ownersDaily(
  enterprise: Enterprise,
  owners: [OrgData, Owner][],
  window: ConsumptionWindow,
): JsonObject | null {
  if (owners.length === 0) return null;
  return replyFromCents(first(enterprise).consumption, window, (day) =>
    owners.reduce<Cents>(
      (total, [org, owner]) => add(total, org.consumption.cents(owner, day)),
      [0, 0, 0, 0],
    ),
  );
}

/** Monthly billing cycles `{after, before}` from the one holding the first billing day to the current one. */
export function billingCycles(enterprise: Enterprise): JsonObject[] {
  const consumption = first(enterprise).consumption;
  const cycles: JsonObject[] = [];
  let after = billingCycleStart(dayStart(consumption.firstDay));
  const now = consumption.now();
  while (after <= now) {
    const start = new Date(after * 1000);
    const before = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1, 8) / 1000;
    cycles.push({ after, before });
    after = before;
  }
  return cycles;
}

/** ACU limits: the enterprise's, each organization's that has one, and a few members'. */
export function acuLimits(enterprise: Enterprise, userIds: readonly string[]): JsonObject[] {
  const limits: JsonObject[] = [{ cycle_acu_limit: ENTERPRISE_LIMIT, scope: 'enterprise' }];
  for (const profile of enterprise.profiles) {
    if (profile.maxCycleAcuLimit !== null)
      limits.push({ cycle_acu_limit: profile.maxCycleAcuLimit, scope: 'org', org_id: profile.orgId });
  }
  USER_LIMITS.forEach((limit, n) => {
    const userId = userIds[n * 2 + 1];
    if (userId !== undefined) limits.push({ cycle_acu_limit: limit, scope: 'user', user_id: userId });
  });
  return limits;
}
