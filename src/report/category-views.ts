/** category_daily: metrics_categories (one JSON array per organization and day) as rows. */
import type { Dialect, DialectSql } from './dialect.js';
import { orgJoin, orgName } from './org-names.js';

/**
 * metrics_categories unnested: one row per organization, day, category and subcategory (a category
 * without subcategories keeps one row, subcategory NULL). sessions/acus are the subcategory's (the
 * category's on its NULL row); category_sessions/category_acus repeat the category's own figures.
 */
export function categoryDaily(_dialect: Dialect, sql: DialectSql, tables: ReadonlySet<string>): string {
  const real = sql.type('real');
  const int = sql.type('int');
  const head = (sub: string) => `SELECT
  m.org_id, ${orgName(sql, tables, 'o')} AS org_name,
  ${sql.day('m.date')} AS day, m.date AS day_start,
  c.value ->> '$.category' AS category,
  CAST(c.value ->> '$.sessions_count' AS ${int}) AS category_sessions,
  CAST(c.value ->> '$.acus' AS ${real}) AS category_acus,
  ${sub}`;
  const isArray = (json: string) => `lower(json_type(${json})) = 'array'`;
  const subs = `${head(`sc.value ->> '$.subcategory_id' AS subcategory_id,
  sc.value ->> '$.display_name' AS subcategory,
  CAST(sc.value ->> '$.sessions_count' AS ${int}) AS sessions,
  CAST(sc.value ->> '$.acus' AS ${real}) AS acus`)}
FROM metrics_categories AS m
${orgJoin(tables, 'o', 'm.org_id')},
  json_each(m.categories) AS c, json_each(c.value -> '$.subcategories') AS sc
WHERE ${isArray('m.categories')} AND ${isArray("c.value -> '$.subcategories'")}`;
  const bare = `${head(`${sql.nullOf('text')}, ${sql.nullOf('text')},
  CAST(c.value ->> '$.sessions_count' AS ${int}),
  CAST(c.value ->> '$.acus' AS ${real})`)}
FROM metrics_categories AS m
${orgJoin(tables, 'o', 'm.org_id')},
  json_each(m.categories) AS c
WHERE ${isArray('m.categories')}
  AND (NOT coalesce(${isArray("c.value -> '$.subcategories'")}, FALSE)
    OR json_array_length(c.value -> '$.subcategories') = 0)`;
  return `${subs}\nUNION ALL\n${bare}`;
}
