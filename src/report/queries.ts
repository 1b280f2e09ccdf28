/** Reads the report's figures from the analyst views. All aggregation happens in SQL. */

import { STREAM_NAMES } from '../tap/streams/index.js';
import type { ReportDatabase, Row, SqlValue } from './database.js';
import { dialectSql } from './dialect.js';
import type { Counted, Headline, ReportData, StreamCount, UserRow, WeeklySeries } from './model.js';
import { weeklySeries } from './model.js';
import { viewStatements } from './views.js';

export const TOP_USERS = 15;

export interface LoadOptions {
  database: string;
  /** --since as given (YYYY-MM-DD) and as epoch seconds. */
  since: { text: string; epochSeconds: number } | null;
  now: Date;
}

/**
 * Creates the views as TEMP views (the report's own definitions, filtered by --since, shadowing any in
 * the file, which stays untouched) and queries them.
 */
export async function loadReportData(db: ReportDatabase, options: LoadOptions): Promise<ReportData> {
  const tables = await db.tables();
  const viewOptions = options.since
    ? { temporary: true, since: options.since.epochSeconds }
    : { temporary: true };
  for (const statement of viewStatements(db.dialect, tables, viewOptions)) await db.exec(statement);
  const hasSessions = tables.has('sessions') || tables.has('sessions_insights');
  const base: ReportData = {
    database: options.database,
    dialect: db.dialect,
    generatedAt: options.now.toISOString(),
    since: options.since?.text ?? null,
    streams: await streamCounts(db, tables),
    headline: null,
    acusByWeek: { weeks: [], series: [] },
    sessionsByStatus: [],
    sessionsByOrigin: [],
    pullRequestsByWeek: { weeks: [], series: [] },
    sessionSizes: null,
    topUsers: [],
    messagesPerSession: null,
  };
  if (!hasSessions) return base;
  return {
    ...base,
    headline: await headline(db),
    acusByWeek: await weekly(db, ACUS_BY_WEEK),
    sessionsByStatus: counted(await db.all(countBy('status'))),
    sessionsByOrigin: counted(await db.all(countBy('origin'))),
    pullRequestsByWeek: orderStates(await weekly(db, PRS_BY_WEEK)),
    sessionSizes: tables.has('sessions_insights') ? sortSizes(counted(await db.all(SIZES))) : null,
    topUsers: (await db.all(TOP_USERS_SQL)).map(userRow),
    messagesPerSession: tables.has('session_messages') ? counted(await db.all(MESSAGE_BUCKETS)) : null,
  };
}

async function weekly(db: ReportDatabase, sql: string): Promise<WeeklySeries> {
  const rows = await db.all(sql);
  return weeklySeries(
    rows.map((row) => ({ week: text(row.week), key: text(row.key), value: num(row.value) })),
  );
}

async function streamCounts(db: ReportDatabase, tables: ReadonlySet<string>): Promise<StreamCount[]> {
  const counts: StreamCount[] = [];
  for (const name of STREAM_NAMES) {
    const rows = tables.has(name)
      ? num((await db.all(`SELECT count(*) AS n FROM ${name}`))[0]?.n ?? 0)
      : null;
    counts.push({ name, rows });
  }
  return counts;
}

async function headline(db: ReportDatabase): Promise<Headline> {
  const median = dialectSql(db.dialect).median('acus_consumed', 'session_facts');
  const [row] = await db.all(`SELECT count(*) AS sessions, coalesce(sum(acus_consumed), 0) AS acus,
      coalesce(sum(prs), 0) AS prs, coalesce(sum(prs_merged), 0) AS merged, ${median} AS median,
      CAST(min(created_date) AS VARCHAR) AS first_day, CAST(max(created_date) AS VARCHAR) AS last_day
    FROM session_facts`);
  const prs = num(row?.prs ?? 0);
  const merged = num(row?.merged ?? 0);
  return {
    sessions: num(row?.sessions ?? 0),
    acus: num(row?.acus ?? 0),
    pullRequests: prs,
    mergedPullRequests: merged,
    mergeRate: prs > 0 ? merged / prs : null,
    medianAcus: row?.median === null || row?.median === undefined ? null : num(row.median),
    firstDay: row?.first_day === null || row?.first_day === undefined ? null : text(row.first_day),
    lastDay: row?.last_day === null || row?.last_day === undefined ? null : text(row.last_day),
  };
}

const ACUS_BY_WEEK = `SELECT CAST(week_start AS VARCHAR) AS week, coalesce(category, 'uncategorized') AS key,
    sum(acus) AS value
  FROM acu_by_week GROUP BY 1, 2 ORDER BY 1, 2`;

const PRS_BY_WEEK = `SELECT CAST(created_week AS VARCHAR) AS week, coalesce(lower(pr_state), 'unknown') AS key,
    count(*) AS value
  FROM pr_outcomes GROUP BY 1, 2 ORDER BY 1, 2`;

const countBy = (column: 'status' | 'origin'): string =>
  `SELECT coalesce(${column}, 'unknown') AS label, count(*) AS n FROM session_facts GROUP BY 1 ORDER BY n DESC, label`;

const SIZES = `SELECT coalesce(session_size, 'unknown') AS label, count(*) AS n
  FROM session_facts WHERE has_insights GROUP BY 1`;

const TOP_USERS_SQL = `SELECT coalesce(actor_type, 'unknown') AS actor_type, coalesce(actor_id, 'unattributed') AS actor_id,
    sessions, acus, prs_merged
  FROM user_activity ORDER BY acus DESC, sessions DESC, actor_id LIMIT ${TOP_USERS}`;

const BUCKETS: readonly [number, string][] = [
  [0, '0'],
  [5, '1–5'],
  [10, '6–10'],
  [20, '11–20'],
  [50, '21–50'],
  [100, '51–100'],
  [200, '101–200'],
];

// Every bucket appears (zeros included) so the histogram's x axis is always the same.
const MESSAGE_BUCKETS = `WITH buckets(label, ord) AS (VALUES ${[...BUCKETS.map(([, l]) => l), '201+']
  .map((label, i) => `('${label}', ${i})`)
  .join(', ')}),
  counted AS (SELECT CASE ${BUCKETS.map(([max, label]) => `WHEN messages_synced <= ${max} THEN '${label}'`).join(' ')}
    ELSE '201+' END AS label FROM session_facts)
  SELECT b.label AS label, (SELECT count(*) FROM counted c WHERE c.label = b.label) AS n
  FROM buckets b ORDER BY b.ord`;

const SIZE_ORDER = ['xs', 's', 'm', 'l', 'xl'];
const STATE_ORDER = ['merged', 'open', 'closed'];

/** Pull-request states in reading order (merged, open, closed, then the rest as ranked). */
function orderStates(weekly: WeeklySeries): WeeklySeries {
  const rank = (name: string): number => {
    const index = STATE_ORDER.indexOf(name);
    return index === -1 ? STATE_ORDER.length : index;
  };
  return { ...weekly, series: [...weekly.series].sort((a, b) => rank(a.name) - rank(b.name)) };
}

/** The five size classes always (zeros included, so the axis reads the same), then any others. */
function sortSizes(found: Counted[]): Counted[] {
  const rows = [
    ...found,
    ...SIZE_ORDER.filter((size) => !found.some((r) => r.label === size)).map((label) => ({
      label,
      count: 0,
    })),
  ];
  const rank = (label: string): number => {
    const index = SIZE_ORDER.indexOf(label);
    return index === -1 ? SIZE_ORDER.length : index;
  };
  return [...rows].sort((a, b) => rank(a.label) - rank(b.label) || a.label.localeCompare(b.label));
}

function counted(rows: readonly Row[]): Counted[] {
  return rows.map((row) => ({ label: text(row.label), count: num(row.n) }));
}

function userRow(row: Row): UserRow {
  return {
    actorType: text(row.actor_type),
    actorId: text(row.actor_id),
    sessions: num(row.sessions),
    acus: num(row.acus),
    mergedPullRequests: num(row.prs_merged ?? 0),
  };
}

function num(value: SqlValue | undefined): number {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function text(value: SqlValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
