import type { DialectSql } from './dialect.js';

/** The organization's name by org_id: `alias.name`, or a typed NULL without an organizations table. */
export function orgName(sql: DialectSql, tables: ReadonlySet<string>, alias: string): string {
  return tables.has('organizations') ? `${alias}.name` : sql.nullOf('text');
}

export const orgJoin = (tables: ReadonlySet<string>, alias: string, on: string): string =>
  tables.has('organizations') ? `LEFT JOIN organizations AS ${alias} ON ${alias}.org_id = ${on}` : '';
