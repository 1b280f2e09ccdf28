import type { JsonObject } from '../../tap/json.js';
import type { ApiResponse } from '../core/problem.js';
import { type FieldError, parseTimeFilter } from '../core/query.js';
import { type ListRequest, servePage } from '../endpoints/lists.js';
import type { OrgData } from '../organization/data.js';
import { type IndexPage, sessionPage, sessionTotal, type TimeFilter } from '../organization/session-query.js';
import type { SessionStore } from '../organization/session-store.js';

/** A cursor position names an organization and an index in it: index * SLOTS + position (SLOTS > MAX_ORGS). */
const SLOTS = 64;
const encode = (position: number, index: number): number => index * SLOTS + position;
const decode = (value: number): [number, number] => [value % SLOTS, Math.floor(value / SLOTS)];

/** The organizations a request selects (`org_ids` or `org_ids[]`, repeated or comma-separated), by position. */
export function selectedOrgs(orgs: readonly OrgData[], params: URLSearchParams): number[] {
  const wanted = [...params.getAll('org_ids'), ...params.getAll('org_ids[]')].flatMap((value) =>
    value.split(','),
  );
  const all = orgs.map((_, position) => position);
  if (wanted.length === 0) return all;
  return all.filter((position) => wanted.includes(orgs[position]?.orgId ?? ''));
}

/** First index of `store` that comes at or after (createdAt, position, index) in newest-first order. */
function bound(store: SessionStore, created: number, tie: (index: number) => boolean): number {
  let lo = 0;
  let hi = store.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (store.createdAt(mid) < created) lo = mid + 1;
    else hi = mid;
  }
  while (lo < store.size && store.createdAt(lo) === created && tie(lo)) lo++;
  return lo;
}

/**
 * One newest-first page of the sessions of several organizations, merged by created_at (ties: the
 * earlier organization first, then the higher index), after the session `after` names.
 */
function mergedPage(
  orgs: readonly OrgData[],
  positions: readonly number[],
  filter: TimeFilter,
  after: number | null,
  first: number,
): IndexPage {
  const candidates: { position: number; index: number; created: number }[] = [];
  let more = false;
  const [lastPosition, lastIndex] = after === null ? [0, 0] : decode(after);
  const lastStore = orgs[lastPosition]?.sessions;
  const lastCreated = lastStore?.createdAt(lastIndex) ?? 0;
  for (const position of positions) {
    const store = orgs[position]?.sessions;
    if (!store) continue;
    const before =
      after === null
        ? null
        : bound(
            store,
            lastCreated,
            (index) => position > lastPosition || (position === lastPosition && index < lastIndex),
          );
    const page = sessionPage(store, filter, before, first);
    more ||= page.hasNext;
    for (const index of page.indexes) candidates.push({ position, index, created: store.createdAt(index) });
  }
  candidates.sort((a, b) => b.created - a.created || a.position - b.position || b.index - a.index);
  const taken = candidates.slice(0, first);
  return {
    indexes: taken.map((item) => encode(item.position, item.index)),
    hasNext: more || candidates.length > first,
  };
}

/** `/v3/enterprise/sessions` and `/sessions/insights`: the org filters, plus `org_ids`. */
export function listEnterpriseSessions(
  orgs: readonly OrgData[],
  request: ListRequest,
  insights: boolean,
): ApiResponse {
  const errors: FieldError[] = [];
  const filter = parseTimeFilter(request.params, errors);
  const positions = selectedOrgs(orgs, request.params);
  const storeAt = (value: number): [SessionStore | undefined, number] => {
    const [position, index] = decode(value);
    return [orgs[position]?.sessions, index];
  };
  return servePage(
    request,
    {
      list: insights ? 'enterprise-insights' : 'enterprise-sessions',
      scope: -1,
      page: (after, first) => mergedPage(orgs, positions, filter, after, first),
      item: (value) => {
        const [store, index] = storeAt(value);
        return store ? (insights ? store.insight(index) : store.session(index)) : {};
      },
      total: () =>
        positions.reduce(
          (sum, position) => sum + sessionTotal(orgs[position]?.sessions as SessionStore, filter),
          0,
        ),
      validPosition: (value) => {
        const [store, index] = storeAt(value);
        return store !== undefined && index < store.size;
      },
    },
    errors,
  );
}

/** A list that is each organization's list one after the other (playbooks, notes), optionally filtered. */
export interface ConcatSource {
  page: (org: OrgData, after: number | null, first: number) => IndexPage;
  item: (org: OrgData, index: number) => JsonObject;
  total: (org: OrgData) => number;
}

export function listConcatenated(
  orgs: readonly OrgData[],
  list: string,
  source: ConcatSource,
  request: ListRequest,
): ApiResponse {
  const page = (after: number | null, first: number): IndexPage => {
    const indexes: number[] = [];
    let [position, index]: [number, number | null] = after === null ? [0, null] : decode(after);
    for (; position < orgs.length; position++, index = null) {
      const org = orgs[position] as OrgData;
      const part = source.page(org, index, first - indexes.length + 1);
      for (const at of part.indexes) {
        if (indexes.length === first) return { indexes, hasNext: true };
        indexes.push(encode(position, at));
      }
    }
    return { indexes, hasNext: false };
  };
  return servePage(
    request,
    {
      list,
      scope: -1,
      page,
      item: (value) => {
        const [position, index] = decode(value);
        const org = orgs[position];
        return org ? source.item(org, index) : {};
      },
      total: () => orgs.reduce((sum, org) => sum + source.total(org), 0),
      validPosition: (value) => decode(value)[0] < orgs.length,
    },
    [],
  );
}
