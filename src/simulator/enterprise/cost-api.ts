import type { JsonObject } from '../../tap/json.js';
import { ok, problem } from '../core/problem.js';
import type { FieldError } from '../core/query.js';
import { parseWindow } from '../endpoints/cost-api.js';
import { type ListRequest, listItems, servePage, unprocessable } from '../endpoints/lists.js';
import { answerMetric, isMetricKind } from '../endpoints/org-scope-api.js';
import type { ConsumptionWindow } from '../organization/consumption-reply.js';
import { Metrics } from '../organization/metrics.js';
import {
  acuLimits,
  billingCycles,
  enterpriseDaily,
  orgDaily,
  serviceUserDaily,
  userDaily,
} from './billing.js';
import type { Enterprise } from './enterprise.js';
import { selectedOrgs } from './lists.js';
import { enterpriseUsers } from './people.js';
import type { EnterpriseRoute } from './route.js';

const BILLING = 'ManageBilling';
/** The longest time range an audit-log query may span. */
export const AUDIT_MAX_RANGE = 100 * 86_400;

type Reply = (enterprise: Enterprise, window: ConsumptionWindow, id: string) => JsonObject | null;

function windowRoute(reply: Reply, id: string, what: string): EnterpriseRoute {
  return {
    permission: BILLING,
    handle: (enterprise, request) => {
      const errors: FieldError[] = [];
      const window = parseWindow(request.params, errors);
      if (errors.length > 0) return unprocessable(request, errors);
      const body = reply(enterprise, window, id);
      return body === null ? problem(404, `${what} '${id}' not found`, request.instance) : ok(body);
    },
  };
}

const byOrg: Reply = (enterprise, window, id) => {
  const org = enterprise.orgs[enterprise.position(id)];
  return org ? orgDaily(enterprise, org, window) : null;
};

/** `/v3/enterprise/consumption/...`, by the segments after `consumption/`. */
export function costRoute(rest: readonly string[]): EnterpriseRoute | null {
  const path = rest.join('/');
  if (path === 'daily') return windowRoute((e, w) => enterpriseDaily(e, w), '', 'Enterprise');
  if (path === 'cycles')
    return { permission: BILLING, handle: (e, r) => listItems(billingCycles(e), 'cycles', r) };
  if (path === 'acu-limits/devin') {
    const limits = (e: Enterprise) =>
      acuLimits(
        e,
        enterpriseUsers(e).map((user) => String(user.user_id)),
      );
    return { permission: BILLING, handle: (e, r) => listItems(limits(e), 'acu-limits', r) };
  }
  const [daily, kind, id] = rest;
  if (daily !== 'daily' || id === undefined || rest.length !== 3) return null;
  if (kind === 'organizations') return windowRoute(byOrg, id, 'Organization');
  if (kind === 'users') return windowRoute((e, w, user) => userDaily(e, user, w), id, 'User');
  if (kind === 'service-users')
    return windowRoute((e, w, user) => serviceUserDaily(e, user, w), id, 'Service user');
  return null;
}

/** `/v3/enterprise/metrics/{kind}` over the organizations `org_ids` selects (all by default). */
export function metricsRoute(kind: string): EnterpriseRoute | null {
  if (!isMetricKind(kind) && kind !== 'sessions-by-category') return null;
  return {
    permission: 'ViewAccountMetrics',
    handle: (enterprise, request) => {
      const stores = selectedOrgs(enterprise.orgs, request.params).flatMap(
        (position) => enterprise.orgs[position]?.sessions ?? [],
      );
      return answerMetric(new Metrics(stores), kind, request);
    },
  };
}

function timeParam(request: ListRequest, name: string, errors: FieldError[]): number | null {
  const raw = request.params.get(name);
  if (raw === null) return null;
  if (/^-?[0-9]{1,15}$/.test(raw)) return Number(raw);
  errors.push({
    loc: ['query', name],
    msg: `${name} must be an integer (epoch seconds)`,
    type: 'value_error',
    input: raw,
  });
  return null;
}

/** order, time_after, time_before (a range of at most 100 days; time_before needs time_after). */
function auditQuery(request: ListRequest, errors: FieldError[]) {
  const order = request.params.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    errors.push({
      loc: ['query', 'order'],
      msg: 'order must be asc or desc',
      type: 'value_error',
      input: order,
    });
  const after = timeParam(request, 'time_after', errors);
  const before = timeParam(request, 'time_before', errors);
  const fail = (msg: string, input: number) =>
    errors.push({ loc: ['query', 'time_before'], msg, type: 'value_error', input: String(input) });
  if (before !== null && after === null) fail('time_before needs time_after', before);
  if (before !== null && after !== null && before - after > AUDIT_MAX_RANGE)
    fail('the time range may span at most 100 days', before);
  return { asc: order === 'asc', after, before, action: request.params.get('action') };
}

/** `/v3/enterprise/audit-logs` (or one organization's): created_at in [time_after, time_before). */
export function auditRoute(orgId: string | null): EnterpriseRoute {
  return {
    permission: 'ManageEnterpriseSettings',
    handle: (enterprise, request) => {
      if (orgId !== null && enterprise.position(orgId) < 0)
        return problem(404, `Organization '${orgId}' not found`, request.instance);
      const errors: FieldError[] = [];
      const query = auditQuery(request, errors);
      const all = enterprise.audit.all();
      const matches: number[] = [];
      all.forEach((entry, n) => {
        const at = Number(entry.created_at);
        if (query.after !== null && at < query.after) return;
        if (query.before !== null && at >= query.before) return;
        if (query.action && entry.action !== query.action) return;
        if (orgId === null || entry.org_id === orgId) matches.push(n);
      });
      if (!query.asc) matches.reverse();
      return servePage(
        request,
        {
          list: query.asc ? 'audit-asc' : 'audit-desc',
          scope: -1,
          page: (after, first) => {
            const start = after === null ? 0 : matches.findIndex((n) => (query.asc ? n > after : n < after));
            const rest = start < 0 ? [] : matches.slice(start);
            return { indexes: rest.slice(0, first), hasNext: rest.length > first };
          },
          item: (n) => all[n] ?? {},
          total: () => matches.length,
          validPosition: (n) => n >= 0 && n < all.length,
        },
        errors,
      );
    },
  };
}
