import type { IndexPage, TimeFilter } from '../core/query.js';
import { MAX_SESSION_DURATION } from '../core/timeline.js';
import type { SessionStore } from './session-store.js';

export type { IndexPage, TimeFilter };

/** First index in [0, size) whose created_at >= at (created_at strictly increases with the index). */
function lowerBound(store: SessionStore, at: number): number {
  let lo = 0;
  let hi = store.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (store.createdAt(mid) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function createdRange(store: SessionStore, filter: TimeFilter): [number, number] {
  const lo = filter.createdAfter === undefined ? 0 : lowerBound(store, filter.createdAfter);
  const hi = filter.createdBefore === undefined ? store.size : lowerBound(store, filter.createdBefore);
  return [lo, Math.max(lo, hi)];
}

/** Live sessions created in [after, before), oldest first. */
export function createdIn(store: SessionStore, after: number, before: number): number[] {
  const [lo, hi] = createdRange(store, { createdAfter: after, createdBefore: before });
  const indexes: number[] = [];
  for (let index = lo; index < hi; index++) if (!store.deletedIndexes.has(index)) indexes.push(index);
  return indexes;
}

function hasUpdatedFilter(filter: TimeFilter): boolean {
  return filter.updatedAfter !== undefined || filter.updatedBefore !== undefined;
}

function matchesUpdated(store: SessionStore, index: number, filter: TimeFilter): boolean {
  const updatedAt = store.updatedAt(index);
  if (filter.updatedAfter !== undefined && updatedAt < filter.updatedAfter) return false;
  return filter.updatedBefore === undefined || updatedAt < filter.updatedBefore;
}

/**
 * Below this index nothing can match updated_after: base sessions there were last updated at most
 * MAX_SESSION_DURATION after their (increasing) created_at, and none carries a change.
 */
function cannotMatchBelow(store: SessionStore, index: number, filter: TimeFilter): boolean {
  if (filter.updatedAfter === undefined || index >= store.minChangedIndex()) return false;
  if (index >= store.options.baseCount) return false;
  return store.createdAt(index) + MAX_SESSION_DURATION < filter.updatedAfter;
}

/**
 * One newest-first page: live sessions matching `filter` with index < `before` (the keyset cursor:
 * the index of the last session served). O(page) without an updated filter.
 */
export function sessionPage(
  store: SessionStore,
  filter: TimeFilter,
  before: number | null,
  first: number,
): IndexPage {
  const [lo, hi] = createdRange(store, filter);
  const checkUpdated = hasUpdatedFilter(filter);
  const indexes: number[] = [];
  for (let index = Math.min(hi, before ?? hi) - 1; index >= lo; index--) {
    if (store.deletedIndexes.has(index)) continue;
    if (checkUpdated && !matchesUpdated(store, index, filter)) {
      if (cannotMatchBelow(store, index, filter)) break;
      continue;
    }
    if (indexes.length === first) return { indexes, hasNext: true };
    indexes.push(index);
  }
  return { indexes, hasNext: false };
}

const totals = new WeakMap<SessionStore, Map<string, number>>();

/** How many live sessions match: O(1)-ish without an updated filter, else a scan cached per data version. */
export function sessionTotal(store: SessionStore, filter: TimeFilter): number {
  const [lo, hi] = createdRange(store, filter);
  if (!hasUpdatedFilter(filter)) {
    let deleted = 0;
    for (const index of store.deletedIndexes) if (index >= lo && index < hi) deleted++;
    return hi - lo - deleted;
  }
  const key = `${store.version}|${lo}|${hi}|${filter.updatedAfter}|${filter.updatedBefore}`;
  const cache = totals.get(store) ?? new Map<string, number>();
  totals.set(store, cache);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  if (cache.size > 64) cache.clear();
  const total = countMatches(store, filter);
  cache.set(key, total);
  return total;
}

function countMatches(store: SessionStore, filter: TimeFilter): number {
  let total = 0;
  let before: number | null = null;
  for (;;) {
    const page = sessionPage(store, filter, before, 10_000);
    total += page.indexes.length;
    const last = page.indexes.at(-1);
    if (!page.hasNext || last === undefined) return total;
    before = last;
  }
}
