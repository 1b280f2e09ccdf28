/** The report's data model: everything the HTML shows, already aggregated by SQL. */
import type { Dialect } from './dialect.js';

export interface Counted {
  label: string;
  count: number;
}

/** One value per week (Monday, 'YYYY-MM-DD') per series; weeks are contiguous. */
export interface WeeklySeries {
  weeks: string[];
  series: { name: string; values: number[] }[];
}

export interface Headline {
  sessions: number;
  acus: number;
  pullRequests: number;
  mergedPullRequests: number;
  /** merged / all pull requests; null when there are none. */
  mergeRate: number | null;
  medianAcus: number | null;
  firstDay: string | null;
  lastDay: string | null;
}

export interface UserRow {
  actorType: string;
  actorId: string;
  sessions: number;
  acus: number;
  mergedPullRequests: number;
}

export interface StreamCount {
  name: string;
  /** null: the stream was not synced into this database (no table). */
  rows: number | null;
}

export interface ReportData {
  database: string;
  dialect: Dialect;
  generatedAt: string;
  since: string | null;
  streams: StreamCount[];
  /** null: neither sessions nor sessions_insights was synced. */
  headline: Headline | null;
  acusByWeek: WeeklySeries;
  sessionsByStatus: Counted[];
  sessionsByOrigin: Counted[];
  pullRequestsByWeek: WeeklySeries;
  /** null: sessions_insights was not synced. */
  sessionSizes: Counted[] | null;
  topUsers: UserRow[];
  /** null: session_messages was not synced. */
  messagesPerSession: Counted[] | null;
}

export interface WeeklyPoint {
  week: string;
  key: string;
  value: number;
}

const DAY_MS = 86_400_000;
/** Beyond this many weeks, only the weeks with data are shown (gap filling would make a useless chart). */
const MAX_FILLED_WEEKS = 520;

/**
 * Pivots (week, key, value) points into series over contiguous weeks (empty weeks are zeros, so a
 * quiet week shows as a gap and not as a missing bar). Keys beyond `maxSeries` (by total) become "other".
 */
export function weeklySeries(points: readonly WeeklyPoint[], maxSeries = 8): WeeklySeries {
  if (points.length === 0) return { weeks: [], series: [] };
  const totals = new Map<string, number>();
  for (const point of points) totals.set(point.key, (totals.get(point.key) ?? 0) + point.value);
  const ranked = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k]) => k);
  const kept = ranked.length > maxSeries ? ranked.slice(0, maxSeries - 1) : ranked;
  const names = ranked.length > kept.length ? [...kept, 'other'] : kept;
  const weeks = weekRange(points.map((point) => point.week));
  const index = new Map(weeks.map((week, i) => [week, i]));
  const series = names.map((name) => ({ name, values: weeks.map(() => 0) }));
  for (const point of points) {
    const seriesIndex = kept.includes(point.key) ? kept.indexOf(point.key) : names.length - 1;
    const weekIndex = index.get(point.week);
    const target = series[seriesIndex];
    if (weekIndex !== undefined && target)
      target.values[weekIndex] = (target.values[weekIndex] ?? 0) + point.value;
  }
  return { weeks, series };
}

/** Every Monday from the first week to the last (or just the distinct weeks if the span is huge). */
export function weekRange(weeks: readonly string[]): string[] {
  const distinct = [...new Set(weeks)].sort();
  const first = distinct[0];
  const last = distinct[distinct.length - 1];
  if (first === undefined || last === undefined) return [];
  const start = Date.parse(`${first}T00:00:00Z`);
  const end = Date.parse(`${last}T00:00:00Z`);
  const count = Math.round((end - start) / (7 * DAY_MS)) + 1;
  if (!Number.isFinite(count) || count > MAX_FILLED_WEEKS) return distinct;
  return Array.from({ length: count }, (_, i) => new Date(start + i * 7 * DAY_MS).toISOString().slice(0, 10));
}

/** Parses --since (YYYY-MM-DD, a real calendar date) to epoch seconds at 00:00 UTC; null if invalid. */
export function parseSince(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return null;
  return ms / 1000;
}
