/**
 * Pure: trends over the whole file, from the embedded columns (the same numbers the page's engine
 * reads): cost per merged PR per ISO week, and adoption per day, week and month.
 */

import type { ActiveUsersRow } from './extra-payload.js';

export { type WeekCost, weeklyCostPerPr } from './client/weekly.js';

import { ACTOR_USER, type Payload } from './payload.js';

export type Grain = 'day' | 'week' | 'month';

/** First day of the grain's period holding `day` (days since 1970-01-01; 1970-01-05 was a Monday). */
export function periodStart(grain: Grain, day: number): number {
  if (grain === 'day') return day;
  if (grain === 'week') return day - ((day + 3) % 7);
  const date = new Date(day * 86_400_000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 86_400_000;
}

/** First day after the period starting at `start`. */
export function periodEnd(grain: Grain, start: number): number {
  if (grain === 'day') return start + 1;
  if (grain === 'week') return start + 7;
  const date = new Date(start * 86_400_000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 86_400_000;
}

export interface AdoptionRow {
  start: number;
  activeUsers: number;
  sessions: number;
  merged: number;
  partial: boolean;
}

/**
 * Per period of the grain, the latest `count`: active users (the metrics stream's figure when given,
 * else distinct users with a session), sessions created and merged PRs of those sessions.
 */
export function adoption(
  payload: Payload,
  grain: Grain,
  count: number,
  metrics: readonly ActiveUsersRow[] | null,
): AdoptionRow[] {
  const s = payload.sessions;
  const rows = new Map<number, { users: Set<number>; sessions: number; merged: number }>();
  s.day.forEach((day, i) => {
    const start = periodStart(grain, day);
    const entry = rows.get(start) ?? { users: new Set<number>(), sessions: 0, merged: 0 };
    const actor = s.actor[i] ?? -1;
    if (payload.actors.kind[actor] === ACTOR_USER) entry.users.add(actor);
    entry.sessions += 1;
    entry.merged += s.merged[i] ?? 0;
    rows.set(start, entry);
  });
  const fromMetrics = new Map((metrics ?? []).filter((m) => m.period === grain).map((m) => [m.start, m]));
  const starts = [...new Set([...rows.keys(), ...fromMetrics.keys()])].sort((a, b) => b - a).slice(0, count);
  const today = Math.floor(Date.parse(payload.meta.generatedAt) / 86_400_000);
  const first = s.day.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  return starts.map((start) => {
    const entry = rows.get(start);
    const metric = fromMetrics.get(start);
    return {
      start,
      activeUsers: metrics === null ? (entry?.users.size ?? 0) : (metric?.activeUsers ?? 0),
      sessions: entry?.sessions ?? 0,
      merged: entry?.merged ?? 0,
      partial: periodEnd(grain, start) > today || (metrics === null && start < first),
    };
  });
}
