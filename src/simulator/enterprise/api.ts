import { type ApiResponse, ok, problem } from '../core/problem.js';
import { type ListRequest, listItems, listMessages } from '../endpoints/lists.js';
import type { OrgData } from '../organization/data.js';
import type { OrgStore } from '../organization/org-store.js';
import { auditRoute, costRoute, metricsRoute } from './cost-api.js';
import type { Enterprise } from './enterprise.js';
import { type ConcatSource, listConcatenated, listEnterpriseSessions } from './lists.js';
import {
  enterpriseIdpGroups,
  enterpriseIdpUsers,
  enterpriseRoles,
  enterpriseServiceUsers,
  enterpriseUsers,
} from './people.js';
import type { EnterpriseRoute } from './route.js';
import { organizations } from './view-data.js';

const SESSIONS = 'ViewAccountSessions';
const MEMBERSHIP = 'ManageAccountMembership';

const route = (permission: string | null, handle: EnterpriseRoute['handle']): EnterpriseRoute => ({
  permission,
  handle,
});

/** The organization named by `?org_id=` (required on the per-session routes). */
function orgOf(enterprise: Enterprise, request: ListRequest): OrgData | ApiResponse {
  const orgId = request.params.get('org_id');
  if (!orgId) {
    const errors = [{ loc: ['query', 'org_id'], msg: 'org_id is required', type: 'missing', input: '' }];
    return problem(422, 'org_id is required', request.instance, { errors });
  }
  return (
    enterprise.orgs[enterprise.position(orgId)] ??
    problem(404, `Organization '${orgId}' not found`, request.instance)
  );
}

function sessionRoute(id: string, what: string): EnterpriseRoute | null {
  if (what !== 'messages' && what !== 'attachments') return null;
  return route(SESSIONS, (enterprise, request) => {
    const org = orgOf(enterprise, request);
    if ('status' in org) return org;
    const index = org.sessions.indexOf(id);
    if (index === null) return problem(404, `Session '${id}' not found in ${org.orgId}`, request.instance);
    return what === 'messages' ? listMessages(org.sessions, index, request) : ok(org.org.attachments(index));
  });
}

function filtered(rows: ReturnType<typeof enterpriseUsers>, request: ListRequest, list: string): ApiResponse {
  const email = request.params.get('email');
  return listItems(email ? rows.filter((row) => row.email === email) : rows, list, request);
}

const MEMBERS: Record<string, (enterprise: Enterprise) => ReturnType<typeof enterpriseUsers>> = {
  users: enterpriseUsers,
  'idp-users': enterpriseIdpUsers,
  'service-users': enterpriseServiceUsers,
  'idp-groups': enterpriseIdpGroups,
};

/** Whether a member row holds an assignment in `orgId`. */
function inOrg(row: ReturnType<typeof enterpriseUsers>[number], orgId: string): boolean {
  const lists = [row.role_assignments, row.idp_role_assignments];
  return lists.some(
    (list) =>
      Array.isArray(list) && list.some((item) => JSON.stringify(item).includes(`"org_id":"${orgId}"`)),
  );
}

function membersRoute(kind: string | undefined, orgId: string | null): EnterpriseRoute | null {
  const rows = kind === undefined ? undefined : MEMBERS[kind];
  if (!rows) return null;
  return route(MEMBERSHIP, (enterprise, request) => {
    if (orgId !== null && enterprise.position(orgId) < 0)
      return problem(404, `Organization '${orgId}' not found`, request.instance);
    const all = rows(enterprise);
    return filtered(
      orgId === null ? all : all.filter((row) => inOrg(row, orgId)),
      request,
      `enterprise-${kind}`,
    );
  });
}

/** Each organization's store of one kind (playbooks, notes), one after the other. */
function each(store: (org: OrgData) => OrgStore): ConcatSource {
  return {
    page: (org, after, first) => store(org).page(after, first),
    item: (org, index) => store(org).item(index),
    total: (org) => store(org).total(),
  };
}

const LISTS: Record<string, EnterpriseRoute> = {
  organizations: {
    permission: 'ManageOrganizations',
    alsoGrantedBy: 'ViewAccountOrganizations',
    handle: (e, r) => listItems(organizations(e), 'organizations', r),
  },
  sessions: route(SESSIONS, (e, r) => listEnterpriseSessions(e.orgs, r, false)),
  'sessions/insights': route(SESSIONS, (e, r) => listEnterpriseSessions(e.orgs, r, true)),
  playbooks: route(null, (e, r) =>
    listConcatenated(
      e.orgs,
      'enterprise-playbooks',
      each((o) => o.playbooks),
      r,
    ),
  ),
  'knowledge/notes': route(null, (e, r) => {
    const access = r.params.get('access_type');
    if (!access)
      return listConcatenated(
        e.orgs,
        'enterprise-notes',
        each((o) => o.notes),
        r,
      );
    const rows = e.orgs.flatMap((org) => [...org.notes.all()]).filter((note) => note.access_type === access);
    return listItems(rows, `enterprise-notes-${access}`, r);
  }),
  roles: route(MEMBERSHIP, (_, r) => listItems(enterpriseRoles(), 'roles', r)),
};

/** The route for the path segments after `/v3/enterprise/`, or null. */
export function enterpriseRoute(rest: readonly string[]): EnterpriseRoute | null {
  const path = rest.join('/');
  if (Object.hasOwn(LISTS, path)) return LISTS[path] ?? null;
  const [first, second, third, fourth] = rest;
  if (first === 'sessions' && second !== undefined && third !== undefined && rest.length === 3)
    return sessionRoute(second, third);
  if (first === 'members' && rest.length === 2) return membersRoute(second, null);
  if (first === 'organizations' && second !== undefined && third === 'members' && rest.length === 4)
    return membersRoute(fourth, second);
  if (first === 'organizations' && second !== undefined && third === 'audit-logs' && rest.length === 3)
    return auditRoute(second);
  if (first === 'audit-logs' && rest.length === 1) return auditRoute(null);
  if (first === 'consumption') return costRoute(rest.slice(1));
  if (first === 'metrics' && second !== undefined && rest.length === 2) return metricsRoute(second);
  return null;
}
