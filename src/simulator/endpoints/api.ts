import type { Tokens } from '../auth.js';
import { type ApiResponse, ok, problem } from '../core/problem.js';
import type { Consumption } from '../organization/consumption.js';
import type { OrgScope } from '../organization/org-scope.js';
import type { OrgStore } from '../organization/org-store.js';
import type { SessionStore } from '../organization/session-store.js';
import type { UserStore } from '../organization/user-store.js';
import { costRoute } from './cost-api.js';
import { enterpriseSelf } from './enterprise-self.js';
import { type ListRequest, listMessages, listOrgObjects, listSessions } from './lists.js';
import { orgScopeRoute } from './org-scope-api.js';

export interface ApiState {
  orgId: string;
  tokens: Tokens;
  sessions: SessionStore;
  playbooks: OrgStore;
  secrets: OrgStore;
  notes: OrgStore;
  users: UserStore;
  consumption: Consumption;
  org: OrgScope;
}

export interface Route {
  permission: string;
  /** A permission older API docs name for the same access, accepted too. */
  alsoGrantedBy?: string;
  handle: (state: ApiState, request: ListRequest) => ApiResponse;
}

const SESSIONS = 'ViewOrgSessions';

function sessionNotFound(id: string, instance: string): ApiResponse {
  return problem(404, `Session '${id}' not found (session ids look like devin-<hex>)`, instance);
}

const ORG_LISTS: Record<string, Route> = {
  playbooks: {
    permission: 'ManageOrgPlaybooks',
    handle: (s, r) => listOrgObjects(s.playbooks, 'playbooks', r),
  },
  secrets: { permission: 'ManageOrgSecrets', handle: (s, r) => listOrgObjects(s.secrets, 'secrets', r) },
  'knowledge/notes': {
    permission: 'ManageOrgKnowledge',
    handle: (s, r) => listOrgObjects(s.notes, 'notes', r),
  },
};

const SESSION_LISTS: Record<string, Route> = {
  sessions: {
    permission: SESSIONS,
    handle: (state, request) => listSessions(state.sessions, request, false),
  },
  'sessions/insights': {
    permission: SESSIONS,
    handle: (state, request) => listSessions(state.sessions, request, true),
  },
};

/** `sessions/{devin_id}` and `sessions/{devin_id}/messages`. */
function sessionRoute(id: string, messages: boolean): Route {
  return {
    permission: SESSIONS,
    handle: (state, request) => {
      const index = state.sessions.indexOf(id);
      if (index === null) return sessionNotFound(id, request.instance);
      return messages ? listMessages(state.sessions, index, request) : ok(state.sessions.session(index));
    },
  };
}

/** Route by the path segments after /v3/organizations/{org_id}/. */
function route(rest: readonly string[]): Route | null {
  const key = rest.join('/');
  const list = Object.hasOwn(ORG_LISTS, key)
    ? ORG_LISTS[key]
    : Object.hasOwn(SESSION_LISTS, key)
      ? SESSION_LISTS[key]
      : undefined;
  if (list) return list;
  const [first, id, third] = rest;
  if (first !== 'sessions' || id === undefined || rest.length > 3) return null;
  if (rest.length === 2) return sessionRoute(id, false);
  return third === 'messages' ? sessionRoute(id, true) : null;
}

function decodeSegments(pathname: string): string[] | null {
  try {
    return pathname.split('/').map(decodeURIComponent);
  } catch {
    return null;
  }
}

/**
 * The API: auth (401), route (404), organization (404: an unknown org id is reported as not found),
 * permission (403 naming it), method (405), then the handler (422 on bad queries, 404 on unknown sessions).
 */
export function handleApi(
  state: ApiState,
  method: string,
  url: URL,
  authorization: string | undefined,
): ApiResponse {
  const instance = url.pathname;
  const permissions = state.tokens.permissionsOf(authorization);
  if (!permissions)
    return problem(401, 'Missing or invalid API key (send Authorization: Bearer cog_...)', instance);
  const self = enterpriseSelf(state, method, url, permissions);
  if (self) return self;
  const segments = decodeSegments(url.pathname);
  const [empty, version, organizations, orgId, ...rest] = segments ?? [];
  const found =
    empty === '' && organizations === 'organizations'
      ? ((version === 'v3' ? route(rest) : null) ??
        costRoute(version ?? '', rest) ??
        orgScopeRoute(version ?? '', rest))
      : null;
  if (!found || orgId === undefined) return problem(404, `No route for ${method} ${instance}`, instance);
  if (orgId !== state.orgId) return problem(404, `Organization '${orgId}' not found`, instance);
  const granted = permissions.has(found.permission) || permissions.has(found.alsoGrantedBy ?? '');
  if (!granted) {
    const older = found.alsoGrantedBy ? ` (older docs: ${found.alsoGrantedBy})` : '';
    return problem(403, `The API key's role lacks the ${found.permission} permission${older}`, instance, {
      required_permission: found.permission,
    });
  }
  if (method !== 'GET') return problem(405, `${method} is not allowed on ${instance}; use GET`, instance);
  return found.handle(state, { params: url.searchParams, instance });
}
