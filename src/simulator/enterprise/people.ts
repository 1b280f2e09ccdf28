import type { JsonObject, JsonValue } from '../../tap/json.js';
import { ROLES } from '../organization/gen-users.js';
import type { Enterprise } from './enterprise.js';

const ADMIN_ROLE = {
  role_id: 'role-enterprise-admin',
  role_name: 'Enterprise admin',
  role_type: 'enterprise',
};
const ENTERPRISE_ROLES = [
  ADMIN_ROLE,
  { role_id: 'role-enterprise-viewer', role_name: 'Enterprise viewer', role_type: 'enterprise' },
];
const MEMBER_ROLE = { role_id: 'role-org-member', role_name: 'Member', role_type: 'org' };
/** 2028-01-01T00:00:00Z: when the service users that expire do. */
const EXPIRY = 1_830_297_600;
const ENTERPRISE_SERVICE_USER = 'service-user-enterprise-sim';

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** An org-scope role assignment as the enterprise lists it: role_type set, org_id absent when enterprise-wide. */
function assignment(item: JsonValue): JsonObject {
  const source = isObject(item) ? item : {};
  const role = isObject(source.role) ? source.role : {};
  const orgId = source.org_id;
  if (typeof orgId !== 'string') return { role: { ...role, role_type: 'enterprise' } };
  return { role: { ...role, role_type: 'org' }, org_id: orgId };
}

const cache = new WeakMap<Enterprise, { stamp: string; rows: JsonObject[] }>();

/**
 * Members with a direct role, once each across the organizations, with one assignment per organization.
 * Shared, not to be changed: cached while no member changes (every change goes through the audit log) and no hostile mode switches.
 */
export function enterpriseUsers(enterprise: Enterprise): JsonObject[] {
  const stamp = [
    enterprise.audit.all().length,
    ...enterprise.orgs.map((org) => `${org.users.size}${JSON.stringify(org.hostile.modes)}`),
  ].join('|');
  const cached = cache.get(enterprise);
  if (cached?.stamp === stamp) return cached.rows;
  const rows = mergeUsers(enterprise);
  cache.set(enterprise, { stamp, rows });
  return rows;
}

function mergeUsers(enterprise: Enterprise): JsonObject[] {
  const byId = new Map<string, JsonObject>();
  const out: JsonObject[] = [];
  for (const org of enterprise.orgs) {
    const { users } = org;
    for (let index = 0; index < users.size; index++) {
      if (!users.isListed(index)) continue;
      const user = users.user(index);
      const assignments = (Array.isArray(user.role_assignments) ? user.role_assignments : []).map(assignment);
      const id = user.user_id;
      const known = typeof id === 'string' ? byId.get(id) : undefined;
      if (!known) {
        const row = { ...user, role_assignments: assignments };
        if (typeof id === 'string') byId.set(id, row);
        out.push(row);
        continue;
      }
      const held = known.role_assignments as JsonObject[];
      for (const item of assignments)
        if (!held.some((other) => JSON.stringify(other) === JSON.stringify(item))) held.push(item);
    }
  }
  return out;
}

export function enterpriseIdpUsers(enterprise: Enterprise): JsonObject[] {
  return enterprise.orgs.flatMap((org) => org.org.idpUsers());
}

/** Every organization's service users, then the enterprise's own (the one its keys belong to). */
export function enterpriseServiceUsers(enterprise: Enterprise): JsonObject[] {
  const rows: JsonObject[] = enterprise.orgs.flatMap((org) =>
    org.users.serviceUserIds.map((id, index) => ({
      service_user_id: id,
      name: `${org.orgId} automation ${index + 1}`,
      expires_at: index % 2 === 0 ? null : EXPIRY + index * 86_400,
      role_assignments: [{ role: { ...MEMBER_ROLE }, org_id: org.orgId }],
    })),
  );
  rows.push({
    service_user_id: ENTERPRISE_SERVICE_USER,
    name: 'devin-tap simulator (enterprise)',
    expires_at: null,
    role_assignments: [{ role: { ...ADMIN_ROLE } }],
  });
  return rows;
}

/** The IdP groups that grant the IdP users their roles, one assignment per organization. */
export function enterpriseIdpGroups(enterprise: Enterprise): JsonObject[] {
  const groups = new Map<string, JsonObject[]>();
  for (const user of enterpriseIdpUsers(enterprise)) {
    for (const item of Array.isArray(user.idp_role_assignments) ? user.idp_role_assignments : []) {
      if (!isObject(item) || typeof item.idp_group_name !== 'string') continue;
      const held = groups.get(item.idp_group_name) ?? [];
      const grant = { role: item.role ?? null, org_id: item.org_id ?? null };
      if (!held.some((other) => JSON.stringify(other) === JSON.stringify(grant))) held.push(grant);
      groups.set(item.idp_group_name, held);
    }
  }
  return [...groups.keys()]
    .sort()
    .map((name) => ({ idp_group_name: name, role_assignments: groups.get(name) ?? [] }));
}

export function enterpriseRoles(): JsonObject[] {
  return [
    ...ROLES.map((role) => ({ ...role, role_type: 'org' })),
    ...ENTERPRISE_ROLES.map((role) => ({ ...role })),
  ];
}
