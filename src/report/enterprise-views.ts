/**
 * The enterprise views (issue 18): spend per organization, spend against each billing cycle's ACU
 * limits, and ACUs by category. Each is created only when its source tables exist, so an organization
 * database (no organizations, consumption_by_org, billing_cycles or metrics_categories) has none of them.
 * billing_cycles.after/before, consumption_*.date and metrics_categories.date are time columns
 * (DuckDB TIMESTAMPTZ, SQLite epoch seconds) like every other.
 */

import { categoryDaily } from './category-views.js';
import type { Dialect, DialectSql } from './dialect.js';
import { orgJoin, orgName } from './org-names.js';

export const ENTERPRISE_VIEW_NAMES = ['org_spend', 'cycle_budget', 'category_daily'] as const;

/** org_name of the row no organization owns in org_spend (and the report). */
export const UNOWNED_LABEL = 'not owned by any organization';

const PRODUCTS = ['acus', 'acus_devin', 'acus_cascade', 'acus_terminal', 'acus_review'] as const;

/**
 * Per organization and billing day, its billed ACUs (consumption_by_org); with consumption_daily, one
 * more row per day for the share no organization owns: the enterprise total less the sum over orgs.
 */
function orgSpend(sql: DialectSql, tables: ReadonlySet<string>): string {
  const orgs = `SELECT
  ${sql.day('c.date')} AS billing_day,
  c.date AS billing_day_start,
  c.org_id,
  ${orgName(sql, tables, 'o')} AS org_name,
  TRUE AS owned,
  ${PRODUCTS.map((p) => `c.${p}`).join(', ')}
FROM consumption_by_org AS c
${orgJoin(tables, 'o', 'c.org_id')}`;
  if (!tables.has('consumption_daily')) return orgs;
  const sums = PRODUCTS.map((p) => `sum(coalesce(${p}, 0)) AS ${p}`).join(', ');
  return `${orgs}
UNION ALL
SELECT
  ${sql.day('d.date')},
  d.date,
  ${sql.nullOf('text')},
  '${UNOWNED_LABEL}',
  FALSE,
  ${PRODUCTS.map((p) => `coalesce(d.${p}, 0) - coalesce(s.${p}, 0)`).join(',\n  ')}
FROM consumption_daily AS d
LEFT JOIN (SELECT date, ${sums} FROM consumption_by_org GROUP BY date) AS s ON s.date = d.date`;
}

/** Every organization the enterprise tables name. */
function orgIds(tables: ReadonlySet<string>): string {
  return [
    tables.has('organizations') ? 'SELECT org_id FROM organizations' : '',
    tables.has('consumption_by_org') ? 'SELECT org_id FROM consumption_by_org' : '',
    tables.has('acu_limits') ? "SELECT org_id FROM acu_limits WHERE scope = 'org'" : '',
  ]
    .filter((part) => part !== '')
    .map((part) => part.replace('SELECT', 'SELECT DISTINCT'))
    .join(' UNION ');
}

/** The spend rows of cycle_budget: the enterprise's (consumption_daily) and each organization's. */
function cycleSpend(dialect: Dialect, sql: DialectSql, tables: ReadonlySet<string>): string {
  const seconds = (column: string) => epochSeconds(dialect, column);
  const limits = tables.has('acu_limits');
  const enterprise = tables.has('consumption_daily')
    ? `SELECT cy."after", cy."before", 'enterprise' AS scope, ${sql.nullOf('text')} AS org_id,
    ${sql.nullOf('text')} AS org_name,
    ${limits ? "(SELECT max(cycle_acu_limit) FROM acu_limits WHERE scope = 'enterprise')" : sql.nullOf('real')} AS acu_limit,
    (SELECT sum(d.acus) FROM consumption_daily AS d WHERE ${seconds('d.date')} >= cy."after" AND ${seconds('d.date')} < cy."before") AS acus
  FROM cycles AS cy`
    : '';
  const ids = orgIds(tables);
  const orgLimit = [
    limits
      ? "(SELECT max(l.cycle_acu_limit) FROM acu_limits AS l WHERE l.scope = 'org' AND l.org_id = ids.org_id)"
      : '',
    tables.has('organizations') ? 'o.max_cycle_acu_limit' : '',
  ].filter((part) => part !== '');
  const orgSpent = tables.has('consumption_by_org')
    ? `(SELECT sum(c.acus) FROM consumption_by_org AS c
      WHERE c.org_id = ids.org_id AND ${seconds('c.date')} >= cy."after" AND ${seconds('c.date')} < cy."before")`
    : sql.nullOf('real');
  const orgs =
    ids === ''
      ? ''
      : `SELECT cy."after", cy."before", 'org' AS scope, ids.org_id AS org_id,
    ${orgName(sql, tables, 'o')} AS org_name,
    ${orgLimit.length === 0 ? sql.nullOf('real') : `coalesce(${orgLimit.join(', ')}, ${sql.nullOf('real')})`} AS acu_limit,
    ${orgSpent} AS acus
  FROM cycles AS cy CROSS JOIN (${ids}) AS ids
  ${orgJoin(tables, 'o', 'ids.org_id')}
  WHERE ids.org_id IS NOT NULL`;
  return [enterprise, orgs].filter((part) => part !== '').join('\n  UNION ALL\n  ');
}

/** The last billed day's start in each cycle, across the consumption tables present. */
function lastBilled(dialect: Dialect, tables: ReadonlySet<string>): string {
  const dates = ['consumption_daily', 'consumption_by_org']
    .filter((table) => tables.has(table))
    .map((table) => `SELECT ${epochSeconds(dialect, 'date')} AS date FROM ${table}`)
    .join(' UNION ALL ');
  return `(SELECT max(b.date) FROM (${dates}) AS b WHERE b.date >= cy."after" AND b.date < cy."before")`;
}

/**
 * Epoch seconds of a column stored as an epoch-second integer or (DuckDB) as a TIMESTAMPTZ: through
 * text, which both types cast to, so the view binds whichever way the table was laid out.
 */
function epochSeconds(dialect: Dialect, column: string): string {
  if (dialect === 'sqlite') return column;
  const text = `CAST(${column} AS VARCHAR)`;
  return `coalesce(TRY_CAST(${text} AS BIGINT), CAST(epoch(TRY_CAST(${text} AS TIMESTAMPTZ)) AS BIGINT))`;
}

/** The UTC calendar day of epoch seconds (the cycles' bounds, made epoch seconds above). */
function epochDay(dialect: Dialect, seconds: string): string {
  return dialect === 'duckdb'
    ? `CAST(to_timestamp(${seconds}) AT TIME ZONE 'UTC' AS DATE)`
    : `date(${seconds}, 'unixepoch')`;
}

/**
 * Per billing cycle, the enterprise row and one row per organization: the ACU limit (the org's own
 * acu_limits row, else its max_cycle_acu_limit), the ACUs billed in [after, before), the share of the
 * limit burnt so far, and the projection to the cycle's end at the cycle's average daily rate so far
 * (over the days up to the last billed day in the cycle).
 */
function cycleBudget(dialect: Dialect, sql: DialectSql, tables: ReadonlySet<string>): string {
  const real = sql.type('real');
  return `WITH bounds AS (
  SELECT ${epochSeconds(dialect, '"after"')} AS "after", ${epochSeconds(dialect, '"before"')} AS "before"
  FROM billing_cycles
),
cycles AS (
  SELECT cy."after", cy."before",
    ${lastBilled(dialect, tables)} AS last_billed
  FROM bounds AS cy
  WHERE cy."after" IS NOT NULL AND cy."before" > cy."after"
),
spend AS (
  ${cycleSpend(dialect, sql, tables)}
),
measured AS (
  SELECT s.*, cy.last_billed,
    CAST(s."before" - s."after" AS ${real}) / 86400 AS cycle_days,
    CASE WHEN cy.last_billed IS NULL THEN 0
      ELSE CAST(CASE WHEN cy.last_billed + 86400 < s."before" THEN cy.last_billed + 86400 ELSE s."before" END
        - s."after" AS ${real}) / 86400 END AS elapsed_days
  FROM spend AS s JOIN cycles AS cy ON cy."after" = s."after"
)
SELECT
  "after" AS cycle_start, "before" AS cycle_end,
  ${epochDay(dialect, '"after"')} AS cycle_start_day,
  ${epochDay(dialect, '"before"')} AS cycle_end_day,
  scope, org_id, org_name, acu_limit,
  coalesce(acus, 0) AS acus,
  cycle_days, elapsed_days,
  CASE WHEN elapsed_days > 0 THEN coalesce(acus, 0) / elapsed_days END AS daily_rate,
  CASE WHEN acu_limit > 0 THEN coalesce(acus, 0) / acu_limit END AS burn,
  CASE WHEN elapsed_days > 0
    THEN coalesce(acus, 0) + coalesce(acus, 0) / elapsed_days * (cycle_days - elapsed_days) END AS projected_acus,
  CASE WHEN elapsed_days > 0 AND acu_limit > 0
    THEN (coalesce(acus, 0) + coalesce(acus, 0) / elapsed_days * (cycle_days - elapsed_days)) / acu_limit END
    AS projected_burn
FROM measured`;
}

/** CREATE VIEW statements of the enterprise views whose sources exist. */
export function enterpriseViewStatements(
  dialect: Dialect,
  sql: DialectSql,
  tables: ReadonlySet<string>,
  temporary: boolean,
): string[] {
  const statements: string[] = [];
  if (tables.has('consumption_by_org'))
    statements.push(...sql.createView('org_spend', orgSpend(sql, tables), temporary));
  const spendSource = tables.has('consumption_daily') || tables.has('consumption_by_org');
  if (tables.has('billing_cycles') && spendSource)
    statements.push(...sql.createView('cycle_budget', cycleBudget(dialect, sql, tables), temporary));
  if (tables.has('metrics_categories'))
    statements.push(...sql.createView('category_daily', categoryDaily(dialect, sql, tables), temporary));
  return statements;
}
