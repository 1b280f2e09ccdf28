import { type ApiResponse, ok, problem } from '../core/problem.js';
import type { FieldError } from '../core/query.js';
import type { ApiState } from '../organization/data.js';
import type { Metrics, Period } from '../organization/metrics.js';
import { type ListRequest, listItems } from './lists.js';
import type { Route } from './route.js';

const MAX_LIMIT = 100;
const PERIODS: Record<string, Period> = { dau: 'day', wau: 'week', mau: 'month' };

function fieldError(name: string, msg: string, input: string): FieldError {
  return { loc: ['query', name], msg, type: 'value_error', input };
}

export function unprocessable(request: ListRequest, errors: FieldError[]): ApiResponse {
  return problem(422, errors.map((error) => error.msg).join('; '), request.instance, { errors });
}

/** A non-negative integer query parameter; `fallback` when absent (null: required). */
export function integerParam(
  params: URLSearchParams,
  name: string,
  fallback: number | null,
  errors: FieldError[],
): number {
  const raw = params.get(name);
  if (raw === null) {
    if (fallback === null) errors.push(fieldError(name, `${name} is required (epoch seconds)`, ''));
    return fallback ?? 0;
  }
  if (/^[0-9]{1,15}$/.test(raw)) return Number(raw);
  errors.push(fieldError(name, `${name} must be a non-negative integer`, raw));
  return 0;
}

/** `/schedules`: limit (1..100, default 20) and offset, answered in the v3 envelope (no cursor). */
function listSchedules(state: ApiState, request: ListRequest): ApiResponse {
  const errors: FieldError[] = [];
  const limit = integerParam(request.params, 'limit', 20, errors);
  const offset = integerParam(request.params, 'offset', 0, errors);
  if (limit < 1 || limit > MAX_LIMIT)
    errors.push(fieldError('limit', `limit must be from 1 to ${MAX_LIMIT}`, String(limit)));
  if (errors.length > 0) return unprocessable(request, errors);
  const all = state.org.schedules();
  return ok({
    items: all.slice(offset, offset + limit),
    end_cursor: null,
    has_next_page: offset + limit < all.length,
    total: all.length,
  });
}

export function isMetricKind(kind: string): boolean {
  return kind in PERIODS || ['active-users', 'prs', 'sessions', 'searches', 'usage'].includes(kind);
}

/** What a metrics endpoint answers from `metrics`: time_after and time_before required (except on usage). */
export function answerMetric(metrics: Metrics, kind: string, request: ListRequest): ApiResponse {
  const errors: FieldError[] = [];
  const required = kind === 'usage' ? 0 : null;
  const after = integerParam(request.params, 'time_after', required, errors);
  const before = integerParam(request.params, 'time_before', kind === 'usage' ? 2 ** 40 : null, errors);
  const minSessions = integerParam(request.params, 'min_sessions', 1, errors);
  if (errors.length > 0) return unprocessable(request, errors);
  const period = PERIODS[kind];
  if (period) return ok(metrics.series(period, after, before, minSessions));
  if (kind === 'active-users')
    return ok({
      active_users: metrics.activeUsers(after, before, minSessions),
      start_time: after,
      end_time: before,
    });
  if (kind === 'prs') return ok(metrics.prs(after, before));
  if (kind === 'sessions') return ok(metrics.sessions(after, before));
  if (kind === 'searches') return ok(metrics.searches(after, before));
  if (kind === 'sessions-by-category') return ok({ categories: metrics.categories(after, before) });
  return ok(metrics.usage(after, before));
}

/** A metrics endpoint; unknown parameters ignored. */
function metricsRoute(kind: string): Route | null {
  if (!isMetricKind(kind)) return null;
  return {
    permission: 'ViewOrgMetrics',
    alsoGrantedBy: 'ViewAccountMetrics',
    handle: (state, request) => answerMetric(state.org.metrics, kind, request),
  };
}

/** `/sessions/{devin_id}/attachments`: a bare JSON array, no envelope, no paging. */
function attachmentsRoute(id: string): Route {
  return {
    permission: 'ViewOrgSessions',
    handle: (state, request) => {
      const index = state.sessions.indexOf(id);
      if (index === null) return problem(404, `Session '${id}' not found`, request.instance);
      return ok(state.org.attachments(index));
    },
  };
}

/**
 * `/v3beta1/.../members/idp-users`, `/v3beta1/.../repositories`, `/v3/.../schedules`,
 * `/v3/.../metrics/{kind}` and `/v3/.../sessions/{devin_id}/attachments`, by the segments after the org id.
 */
export function orgScopeRoute(version: string, rest: readonly string[]): Route | null {
  const path = rest.join('/');
  if (version === 'v3beta1') {
    if (path === 'members/idp-users') {
      return {
        permission: 'ViewOrgMembership',
        handle: (state, request) => {
          const email = request.params.get('email');
          const all = state.org.idpUsers();
          return listItems(email ? all.filter((user) => user.email === email) : all, 'idp-users', request);
        },
      };
    }
    if (path === 'repositories') {
      return {
        permission: 'ViewOrgRepositories',
        handle: (state, request) =>
          listItems(
            state.org.repositories(request.params.get('load_indexing_status') === 'true'),
            'repos',
            request,
          ),
      };
    }
    return null;
  }
  if (version !== 'v3') return null;
  if (path === 'schedules') {
    return { permission: 'ManageOrgSchedules', alsoGrantedBy: 'ViewOrgSchedules', handle: listSchedules };
  }
  const [first, second, third] = rest;
  if (first === 'metrics' && second !== undefined && rest.length === 2) return metricsRoute(second);
  if (first === 'sessions' && second !== undefined && third === 'attachments' && rest.length === 3)
    return attachmentsRoute(second);
  return null;
}
