import { costViewStatements } from './cost-views.js';
import { type Dialect, type DialectSql, dialectSql, type SqlType } from './dialect.js';
import { enterpriseViewStatements } from './enterprise-views.js';
import { orgName } from './org-names.js';
import { orgViewStatements } from './org-views.js';
import { personColumns } from './person-columns.js';

export type { Dialect } from './dialect.js';

export interface ViewOptions {
  /** TEMP views: nothing is written to the database file (the report opens it read-only). */
  temporary?: boolean;
  /** Only sessions created at or after this instant (epoch seconds); the report's --since. */
  since?: number;
}

/** The analyst views, in dependency order. */
export const VIEW_NAMES = ['session_facts', 'pr_outcomes', 'acu_by_week', 'user_activity'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

interface Sources {
  /** Table the session rows come from: sessions, else sessions_insights (which has every session field). */
  base: string;
  insights: boolean;
  messages: boolean;
  users: boolean;
  /** idp_users: members through identity-provider groups, named too. */
  idpUsers: boolean;
  /** Every table present (organizations names a session's org in an enterprise database). */
  tables: ReadonlySet<string>;
}

/**
 * CREATE VIEW statements for the views whose source tables exist, in an order that can be run as is.
 * Every view needs `sessions` or `sessions_insights`; insights and session_messages add columns that
 * are typed NULLs when their table is missing, so a view's columns never depend on what was synced.
 */
export function viewStatements(
  dialect: Dialect,
  tables: ReadonlySet<string>,
  options: ViewOptions = {},
): string[] {
  const base = tables.has('sessions')
    ? 'sessions'
    : tables.has('sessions_insights')
      ? 'sessions_insights'
      : null;
  const sql = dialectSql(dialect);
  const temporary = options.temporary ?? false;
  const orgViews = [
    ...orgViewStatements(dialect, sql, tables, temporary),
    ...enterpriseViewStatements(dialect, sql, tables, temporary),
  ];
  if (base === null) return [...costViewStatements(dialect, sql, tables, temporary), ...orgViews];
  const sources: Sources = {
    base,
    insights: tables.has('sessions_insights'),
    messages: tables.has('session_messages'),
    users: tables.has('users'),
    idpUsers: tables.has('idp_users'),
    tables,
  };
  const selects: Record<ViewName, string> = {
    session_facts: sessionFacts(sql, sources, options.since),
    pr_outcomes: prOutcomes(sql, base, options.since),
    acu_by_week: ACU_BY_WEEK,
    user_activity: USER_ACTIVITY,
  };
  const sessionViews = VIEW_NAMES.flatMap((name) => sql.createView(name, selects[name], temporary));
  const withFacts = new Set([...tables, 'session_facts']);
  return [...sessionViews, ...costViewStatements(dialect, sql, withFacts, temporary), ...orgViews];
}

const countState = (state: string): string =>
  `count(*) FILTER (WHERE lower(pr.value ->> '$.pr_state') = '${state}')`;

/** PR counts per session, from the unnested pull_requests arrays. */
function prCounts(base: string): string {
  return `SELECT s.session_id,
      count(*) AS prs,
      ${countState('merged')} AS prs_merged,
      ${countState('open')} AS prs_open,
      ${countState('closed')} AS prs_closed
    FROM ${base} AS s, json_each(s.pull_requests) AS pr
    WHERE lower(json_type(s.pull_requests)) = 'array'
    GROUP BY s.session_id`;
}

function sessionFacts(sql: DialectSql, sources: Sources, since: number | undefined): string {
  // With only sessions_insights, the base row is the insights row.
  const i = sources.base === 'sessions_insights' ? 's' : 'i';
  const ins = (expression: string, type: SqlType): string =>
    sources.insights ? expression : sql.nullOf(type);
  const joins = [
    sources.insights && i === 'i' ? `LEFT JOIN sessions_insights AS i ON i.session_id = s.session_id` : '',
    `LEFT JOIN (${prCounts(sources.base)}) AS p ON p.session_id = s.session_id`,
    sources.messages
      ? `LEFT JOIN (SELECT session_id, count(*) AS n FROM session_messages GROUP BY session_id) AS m
    ON m.session_id = s.session_id`
      : '',
    sources.users ? 'LEFT JOIN users AS u ON u.user_id = s.user_id' : '',
    sources.idpUsers ? 'LEFT JOIN idp_users AS iu ON iu.user_id = s.user_id' : '',
    sources.tables.has('organizations') ? 'LEFT JOIN organizations AS org ON org.org_id = s.org_id' : '',
  ].filter((join) => join !== '');
  const person = personColumns(sql, sources.users, sources.idpUsers);
  const analysis = (path: string, arrow: '->' | '->>'): string => `${i}.analysis ${arrow} '$.${path}'`;
  return `SELECT
  s.session_id, s.title, s.url, s.status, s.status_detail, s.origin,
  -- The session's category, else the insights' classification: every view reads category so.
  coalesce(s.category, ${ins(analysis('classification.category', '->>'), 'text')}) AS category,
  s.subcategory,
  ${ins(analysis('classification.category', '->>'), 'text')} AS analysis_category,
  s.category AS session_category,
  ${ins(`CAST(${analysis('classification.confidence', '->>')} AS ${sql.type('real')})`, 'real')} AS analysis_confidence,
  ${ins(analysis('classification.programming_languages', '->'), 'json')} AS programming_languages,
  s.user_id, s.service_user_id, s.playbook_id, s.parent_session_id, s.is_archived, s.tags,
  ${person.name} AS user_name,
  ${person.email} AS user_email,
  ${person.membership} AS membership,
  s.acus_consumed,
  s.created_at, s.updated_at,
  ${sql.day('s.created_at')} AS created_date,
  ${sql.weekStart('s.created_at')} AS created_week,
  ${sql.isoWeek('s.created_at')} AS iso_week,
  coalesce(p.prs, 0) AS prs,
  coalesce(p.prs_merged, 0) AS prs_merged,
  coalesce(p.prs_open, 0) AS prs_open,
  coalesce(p.prs_closed, 0) AS prs_closed,
  ${sources.insights ? `${i}.session_id IS NOT NULL` : sql.nullOf('bool')} AS has_insights,
  ${ins(`${i}.session_size`, 'text')} AS session_size,
  ${ins(`${i}.num_user_messages`, 'int')} AS num_user_messages,
  ${ins(`${i}.num_devin_messages`, 'int')} AS num_devin_messages,
  ${ins(`${i}.num_user_messages + ${i}.num_devin_messages`, 'int')} AS num_messages,
  ${sources.messages ? 'coalesce(m.n, 0)' : sql.nullOf('int')} AS messages_synced,
  s.org_id,
  ${orgName(sql, sources.tables, 'org')} AS org_name
FROM ${sources.base} AS s
${joins.join('\n')}${since === undefined ? '' : `\nWHERE ${sql.atOrAfter('s.created_at', since)}`}`;
}

function prOutcomes(sql: DialectSql, base: string, since: number | undefined): string {
  return `SELECT
  s.session_id,
  CAST(pr.key AS INTEGER) AS pr_index,
  pr.value ->> '$.pr_url' AS pr_url,
  pr.value ->> '$.pr_state' AS pr_state,
  s.status AS session_status, s.origin,
  -- The session's category, else the insights' classification: as session_facts reads it.
  f.category,
  s.user_id, s.service_user_id,
  s.created_at AS session_created_at,
  ${sql.weekStart('s.created_at')} AS created_week,
  ${sql.isoWeek('s.created_at')} AS iso_week
FROM ${base} AS s
JOIN session_facts AS f ON f.session_id = s.session_id,
  json_each(s.pull_requests) AS pr
WHERE lower(json_type(s.pull_requests)) = 'array'${since === undefined ? '' : ` AND ${sql.atOrAfter('s.created_at', since)}`}`;
}

// Built on session_facts, so they follow its sources (and the report's --since) without repeating them.
const ACU_BY_WEEK = `SELECT
  created_week AS week_start,
  iso_week,
  category,
  origin,
  count(*) AS sessions,
  coalesce(sum(acus_consumed), 0) AS acus,
  CAST(sum(prs_merged) AS BIGINT) AS prs_merged
FROM session_facts
GROUP BY created_week, iso_week, category, origin`;

const USER_ACTIVITY = `SELECT
  CASE WHEN user_id IS NOT NULL THEN 'user' WHEN service_user_id IS NOT NULL THEN 'service_user' END
    AS actor_type,
  coalesce(user_id, service_user_id) AS actor_id,
  count(*) AS sessions,
  coalesce(sum(acus_consumed), 0) AS acus,
  CAST(sum(prs) AS BIGINT) AS prs,
  CAST(sum(prs_merged) AS BIGINT) AS prs_merged,
  min(created_at) AS first_session_at,
  max(created_at) AS last_session_at
FROM session_facts
GROUP BY 1, 2`;
