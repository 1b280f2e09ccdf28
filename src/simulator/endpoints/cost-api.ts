import { type ApiResponse, ok, problem } from '../core/problem.js';
import type { FieldError } from '../core/query.js';
import type { Owner } from '../organization/consumption.js';
import { type ConsumptionWindow, consumptionReply } from '../organization/consumption-reply.js';
import type { ApiState } from '../organization/data.js';
import { listUsers } from './lists.js';
import type { Route } from './route.js';

const MEMBERSHIP = 'ViewOrgMembership';
const CONSUMPTION = 'ViewOrgConsumption';

/** time_after / time_before: integer epoch seconds, both optional. */
export function parseWindow(params: URLSearchParams, errors: FieldError[]): ConsumptionWindow {
  const window: ConsumptionWindow = {};
  for (const name of ['time_after', 'time_before'] as const) {
    const raw = params.get(name);
    if (raw === null) continue;
    if (/^-?[0-9]{1,15}$/.test(raw)) window[name] = Number(raw);
    else
      errors.push({
        loc: ['query', name],
        msg: `${name} must be an integer (epoch seconds)`,
        type: 'value_error',
        input: raw,
      });
  }
  return window;
}

type FindOwner = (state: ApiState, id: string) => Owner | undefined;

/** A listed member, or an IdP-group member (unlisted, but billed under its own id). */
export function byUser(state: Pick<ApiState, 'users'>, id: string): Owner | undefined {
  const index = state.users.indexOf(id);
  if (index !== null) return state.users.isPurged(index) ? undefined : { kind: 'user', index };
  const group = state.users.groupIndexOf(id);
  return group === null ? undefined : { kind: 'group', index: group };
}

function byServiceUser(state: ApiState, id: string): Owner | undefined {
  const index = state.users.serviceIndexOf(id);
  return index === null ? undefined : { kind: 'service', index };
}

function bySession(state: ApiState, id: string): Owner | undefined {
  const index = state.sessions.indexOf(id);
  return index === null ? undefined : { kind: 'session', index };
}

/** A consumption route for the whole org (`find` null) or for one owner found by the path id. */
function consumptionRoute(find: FindOwner | null, id: string, what: string): Route {
  return {
    permission: CONSUMPTION,
    alsoGrantedBy: 'ManageBilling',
    handle: (state, request): ApiResponse => {
      const owner = find ? find(state, id) : null;
      if (owner === undefined) return problem(404, `${what} '${id}' not found`, request.instance);
      const errors: FieldError[] = [];
      const window = parseWindow(request.params, errors);
      if (errors.length > 0) {
        return problem(422, errors.map((error) => error.msg).join('; '), request.instance, { errors });
      }
      return ok(consumptionReply(state.consumption, owner, window));
    },
  };
}

/**
 * `/v3beta1/organizations/{org}/members/users` and `/v3/organizations/{org}/consumption/daily[/users/{id}
 * | /service-users/{id} | /sessions/{devin_id}]`, by the path segments after the org id.
 */
export function costRoute(version: string, rest: readonly string[]): Route | null {
  const path = rest.join('/');
  if (version === 'v3beta1') {
    return path === 'members/users'
      ? { permission: MEMBERSHIP, handle: (s, r) => listUsers(s.users, r) }
      : null;
  }
  if (version !== 'v3' || rest[0] !== 'consumption' || rest[1] !== 'daily') return null;
  if (rest.length === 2) return consumptionRoute(null, '', 'Organization');
  const [, , kind, id] = rest;
  if (rest.length !== 4 || id === undefined) return null;
  if (kind === 'users') return consumptionRoute(byUser, id, 'User');
  if (kind === 'service-users') return consumptionRoute(byServiceUser, id, 'Service user');
  if (kind === 'sessions') return consumptionRoute(bySession, id, 'Session');
  return null;
}
