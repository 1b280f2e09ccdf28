import type { Dialect, DialectSql } from './dialect.js';
import { personColumns } from './person-columns.js';

/** The cost views, created when their source tables exist (after the session views they join). */
export const COST_VIEW_NAMES = ['acu_daily', 'user_spend'] as const;

/**
 * The organization's billed ACUs per billing day, with the product split. `date` is a time column
 * like every other (DuckDB TIMESTAMPTZ, SQLite epoch seconds): a billing day starts at 08:00 UTC on it.
 */
function acuDaily(sql: DialectSql): string {
  return `SELECT
  ${sql.day('c.date')} AS billing_day,
  c.date AS billing_day_start,
  c.acus,
  c.acus_devin, c.acus_cascade, c.acus_terminal, c.acus_review
FROM consumption_daily AS c`;
}

/**
 * Each member (listed, or billed under consumption_by_user): name, email, the ACUs billed to them,
 * and the sessions and merged PRs session_facts attributes to them.
 */
function userSpend(sql: DialectSql, tables: ReadonlySet<string>): string {
  const users = tables.has('users');
  const idp = tables.has('idp_users');
  const billed = tables.has('consumption_by_user');
  const facts = tables.has('session_facts');
  const ids = [
    users ? 'SELECT user_id FROM users' : '',
    idp ? 'SELECT user_id FROM idp_users' : '',
    billed ? 'SELECT user_id FROM consumption_by_user' : '',
  ]
    .filter((part) => part !== '')
    .join(' UNION ');
  const joins = [
    users ? 'LEFT JOIN users AS u ON u.user_id = ids.user_id' : '',
    idp ? 'LEFT JOIN idp_users AS iu ON iu.user_id = ids.user_id' : '',
    billed
      ? `LEFT JOIN (SELECT user_id, sum(acus) AS acus, count(*) AS days FROM consumption_by_user GROUP BY user_id)
    AS c ON c.user_id = ids.user_id`
      : '',
    facts
      ? `LEFT JOIN (SELECT user_id, count(*) AS sessions, CAST(sum(prs_merged) AS BIGINT) AS prs_merged,
      sum(acus_consumed) AS session_acus FROM session_facts WHERE user_id IS NOT NULL GROUP BY user_id)
    AS f ON f.user_id = ids.user_id`
      : '',
  ].filter((join) => join !== '');
  const person = personColumns(sql, users, idp);
  const or = (present: boolean, expression: string, type: 'text' | 'int' | 'real') =>
    present ? expression : sql.nullOf(type);
  return `SELECT
  ids.user_id,
  ${person.name} AS name,
  ${person.email} AS email,
  ${person.membership} AS membership,
  ${or(billed, 'coalesce(c.acus, 0)', 'real')} AS billed_acus,
  ${or(billed, 'coalesce(c.days, 0)', 'int')} AS billed_days,
  ${or(facts, 'coalesce(f.sessions, 0)', 'int')} AS sessions,
  ${or(facts, 'coalesce(f.prs_merged, 0)', 'int')} AS prs_merged,
  ${or(facts, 'f.session_acus', 'real')} AS session_acus
FROM (${ids}) AS ids
${joins.join('\n')}`;
}

/** CREATE VIEW statements of the cost views whose sources exist; `tables` includes session_facts when created. */
export function costViewStatements(
  _dialect: Dialect,
  sql: DialectSql,
  tables: ReadonlySet<string>,
  temporary: boolean,
): string[] {
  const statements: string[] = [];
  if (tables.has('consumption_daily'))
    statements.push(...sql.createView('acu_daily', acuDaily(sql), temporary));
  if (tables.has('users') || tables.has('idp_users') || tables.has('consumption_by_user'))
    statements.push(...sql.createView('user_spend', userSpend(sql, tables), temporary));
  return statements;
}
