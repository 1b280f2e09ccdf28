import type { JsonObject } from '../../tap/json.js';
import { sessionsByCategory } from './categories.js';
import { sessionSize } from './gen-insights.js';
import { searchCount } from './gen-org-scope.js';
import { createdIn } from './session-query.js';
import type { SessionStore } from './session-store.js';

const DAY = 86_400;
const SIZES = ['xs', 's', 'm', 'l', 'xl'];

export type Period = 'day' | 'week' | 'month';

/**
 * What the metrics endpoints answer, computed from the sessions served: a session, its PRs and its
 * searches count on the UTC day it was created (PRs carry no dates of their own), so the PRs merged
 * on a day are the merged PRs of that day's sessions.
 */
export class Metrics {
  private readonly stores: readonly SessionStore[];

  /** One organization's sessions, or several (enterprise metrics: a member active in two orgs counts once). */
  constructor(stores: SessionStore | readonly SessionStore[]) {
    this.stores = Array.isArray(stores) ? stores : [stores as SessionStore];
  }

  private created(after: number, before: number): JsonObject[] {
    return this.stores.flatMap((store) =>
      createdIn(store, after, before).map((index) => ({
        ...store.session(index),
        searches: searchCount(store.options.seed, index),
        size: sessionSize(store.messageCount(index)),
      })),
    );
  }

  /** Sessions created in [after, before) by category and subcategory, with their ACUs. */
  categories(after: number, before: number): JsonObject[] {
    return sessionsByCategory(this.created(after, before));
  }

  /** Distinct members (user_id) who created at least `minSessions` sessions in the window. */
  activeUsers(after: number, before: number, minSessions = 1): number {
    const counts = new Map<string, number>();
    for (const session of this.created(after, before)) {
      if (typeof session.user_id !== 'string') continue;
      counts.set(session.user_id, (counts.get(session.user_id) ?? 0) + 1);
    }
    return [...counts.values()].filter((count) => count >= minSessions).length;
  }

  /** dau / wau / mau: every period (weeks Monday to Sunday UTC) overlapping [after, before), ascending. */
  series(period: Period, after: number, before: number, minSessions = 1): JsonObject[] {
    const rows: JsonObject[] = [];
    for (let start = periodOf(period, after); start < before; start = following(period, start)) {
      const end = following(period, start);
      rows.push({
        active_users: this.activeUsers(start, end, minSessions),
        start_time: start,
        end_time: end,
      });
    }
    return rows;
  }

  prs(after: number, before: number): JsonObject {
    const states = this.created(after, before).flatMap((session) =>
      (Array.isArray(session.pull_requests) ? session.pull_requests : []).map((pr) =>
        pr !== null && typeof pr === 'object' && !Array.isArray(pr) ? pr.pr_state : null,
      ),
    );
    return {
      prs_created_count: states.length,
      prs_opened_count: states.filter((state) => state === 'open').length,
      prs_merged_count: states.filter((state) => state === 'merged').length,
      prs_closed_count: states.filter((state) => state === 'closed').length,
    };
  }

  sessions(after: number, before: number): JsonObject {
    const created = this.created(after, before);
    const merged = created.filter(hasMergedPr);
    const acus = created.reduce((sum, session) => sum + Number(session.acus_consumed), 0);
    const byOrigin: Record<string, number> = {};
    for (const session of created) {
      if (typeof session.origin === 'string') byOrigin[session.origin] = (byOrigin[session.origin] ?? 0) + 1;
    }
    return {
      avg_acus_per_session: created.length === 0 ? 0 : Math.round((acus / created.length) * 100) / 100,
      sessions_created_count: created.length,
      sessions_created_with_playbook_count: created.filter((session) => session.playbook_id !== null).length,
      sessions_created_with_search_count: created.filter((session) => Number(session.searches) > 0).length,
      sessions_with_merged_prs_count: merged.length,
      sessions_created_by_origin: byOrigin,
      sessions_created_by_size: bySize(created),
      sessions_with_merged_prs_by_size: bySize(merged),
    };
  }

  searches(after: number, before: number): JsonObject {
    const count = this.created(after, before).reduce((sum, session) => sum + Number(session.searches), 0);
    return { searches_created_count: count };
  }

  usage(after: number, before: number): JsonObject {
    const prs = this.prs(after, before);
    return {
      sessions_count: this.sessions(after, before).sessions_created_count ?? 0,
      searches_count: this.searches(after, before).searches_created_count ?? 0,
      prs_created_count: prs.prs_created_count ?? 0,
      prs_merged_count: prs.prs_merged_count ?? 0,
    };
  }
}

function hasMergedPr(session: JsonObject): boolean {
  const prs = Array.isArray(session.pull_requests) ? session.pull_requests : [];
  return prs.some(
    (pr) => pr !== null && typeof pr === 'object' && !Array.isArray(pr) && pr.pr_state === 'merged',
  );
}

function bySize(sessions: readonly JsonObject[]): JsonObject {
  const counts: Record<string, number> = Object.fromEntries(SIZES.map((size) => [size, 0]));
  for (const session of sessions) counts[String(session.size)] = (counts[String(session.size)] ?? 0) + 1;
  return counts;
}

/** Start of the UTC day, Monday-started week or month holding `t`. */
export function periodOf(period: Period, t: number): number {
  const date = new Date(Math.floor(t / DAY) * DAY * 1000);
  if (period === 'week') date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  if (period === 'month') date.setUTCDate(1);
  return date.getTime() / 1000;
}

function following(period: Period, start: number): number {
  const date = new Date(start * 1000);
  if (period === 'day') date.setUTCDate(date.getUTCDate() + 1);
  if (period === 'week') date.setUTCDate(date.getUTCDate() + 7);
  if (period === 'month') date.setUTCMonth(date.getUTCMonth() + 1);
  return date.getTime() / 1000;
}
