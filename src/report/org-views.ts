import type { Dialect, DialectSql, SqlType } from './dialect.js';

/** The organization views, created when their source tables exist. */
export const ORG_VIEW_NAMES = ['daily_adoption', 'schedule_health'] as const;

/** One figure of daily_adoption: the metrics table it comes from and how to read it per day. */
const FIGURES = [
  {
    column: 'active_users',
    table: 'metrics_active_users',
    select:
      "SELECT start_time AS date, sum(active_users) AS value FROM metrics_active_users WHERE period = 'day' GROUP BY start_time",
  },
  {
    column: 'sessions_created',
    table: 'metrics_sessions',
    select: 'SELECT date, sum(sessions_created_count) AS value FROM metrics_sessions GROUP BY date',
  },
  {
    column: 'prs_merged',
    table: 'metrics_prs',
    select: 'SELECT date, sum(prs_merged_count) AS value FROM metrics_prs GROUP BY date',
  },
  {
    column: 'searches',
    table: 'metrics_searches',
    select: 'SELECT date, sum(searches_created_count) AS value FROM metrics_searches GROUP BY date',
  },
] as const;

/**
 * Per UTC day, the API's own adoption figures: active users, sessions created, PRs merged and
 * searches, each from its metrics stream (a typed NULL when that stream was not synced). An enterprise
 * database holds one row per organization and day: the figures are summed over them (a member active
 * in two organizations counts in each).
 */
function dailyAdoption(sql: DialectSql, tables: ReadonlySet<string>): string {
  const present = FIGURES.filter((figure) => tables.has(figure.table));
  const days = present.map((figure) => `SELECT date FROM (${figure.select}) AS f`).join('\nUNION\n');
  const int: SqlType = 'int';
  const columns = FIGURES.map((figure) =>
    tables.has(figure.table)
      ? `${figure.column}.value AS ${figure.column}`
      : `${sql.nullOf(int)} AS ${figure.column}`,
  );
  const joins = present.map(
    (figure) => `LEFT JOIN (${figure.select}) AS ${figure.column} ON ${figure.column}.date = d.date`,
  );
  return `SELECT
  ${sql.day('d.date')} AS day,
  d.date AS day_start,
  ${columns.join(',\n  ')}
FROM (${days}) AS d
${joins.join('\n')}`;
}

/** Per schedule: whether it is failing, since when, and why. */
const SCHEDULE_HEALTH = `SELECT
  scheduled_session_id, name, enabled, schedule_type, frequency, agent,
  playbook ->> '$.playbook_id' AS playbook_id,
  consecutive_failures,
  coalesce(consecutive_failures, 0) > 0 AS failing,
  last_executed_at, last_error_at, last_error_message,
  created_at, updated_at
FROM schedules`;

/** CREATE VIEW statements of the organization views whose sources exist. */
export function orgViewStatements(
  _dialect: Dialect,
  sql: DialectSql,
  tables: ReadonlySet<string>,
  temporary: boolean,
): string[] {
  const statements: string[] = [];
  if (FIGURES.some((figure) => tables.has(figure.table)))
    statements.push(...sql.createView('daily_adoption', dailyAdoption(sql, tables), temporary));
  if (tables.has('schedules'))
    statements.push(...sql.createView('schedule_health', SCHEDULE_HEALTH, temporary));
  return statements;
}
