import { type ApiResponse, ok, problem } from '../core/problem.js';
import { costRoute } from './cost-api.js';
import { listMessages, listOrgObjects, listSessions } from './lists.js';
import { orgScopeRoute } from './org-scope-api.js';
import type { Route } from './route.js';

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

/** The org-scope route for `/{version}/organizations/{org_id}/{rest...}`, or null. */
export function orgRoute(version: string, rest: readonly string[]): Route | null {
  return (version === 'v3' ? route(rest) : null) ?? costRoute(version, rest) ?? orgScopeRoute(version, rest);
}
