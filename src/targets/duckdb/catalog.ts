import type { DuckDBConnection } from '@duckdb/node-api';
import { type DbObject, type ExistingObject, OBJECTS_TABLE, type ObjectType } from '../owned-objects.js';
import { type ExistingColumn, quoteIdent } from '../table-layout.js';

/** A table's columns in order ([] when the table does not exist). */
export async function columnsOf(connection: DuckDBConnection, table: string): Promise<ExistingColumn[]> {
  const reader = await connection.runAndReadAll(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position",
    [table],
  );
  return reader.getRows().map(([name, type]) => ({ name: String(name), sqlType: String(type) }));
}

/** Where a table's key is kept: an index DuckDB enforces (tables of earlier releases) or its comment. */
export interface TableKey {
  readonly columns: string[];
  readonly indexed: boolean;
}

const KEY_COMMENT_PREFIX = 'devin-tap primary key: ';

/** The comment recording a table's key columns (DuckDB tables declare no PRIMARY KEY: sql.ts). */
export function keyCommentSql(table: string, keys: readonly string[]): string {
  const text = `${KEY_COMMENT_PREFIX}${JSON.stringify(keys)}`.replaceAll("'", "''");
  return `COMMENT ON TABLE ${quoteIdent(table)} IS '${text}'`;
}

function commentKeys(comment: unknown): string[] {
  if (typeof comment !== 'string' || !comment.startsWith(KEY_COMMENT_PREFIX)) return [];
  try {
    const keys: unknown = JSON.parse(comment.slice(KEY_COMMENT_PREFIX.length));
    return Array.isArray(keys) ? keys.map(String) : [];
  } catch {
    return [];
  }
}

/** A table's key columns ([] when it has none): its PRIMARY KEY, else the ones its comment records. */
export async function tableKey(connection: DuckDBConnection, table: string): Promise<TableKey> {
  const reader = await connection.runAndReadAll(
    "SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1 AND constraint_type = 'PRIMARY KEY'",
    [table],
  );
  const names = reader.getRowsJson()[0]?.[0];
  if (Array.isArray(names)) return { columns: names.map(String), indexed: true };
  const comment = await connection.runAndReadAll(
    "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1",
    [table],
  );
  return { columns: commentKeys(comment.getRows()[0]?.[0]), indexed: false };
}

/** Tables and views of the main schema, marking tables that have devin-tap's `_extracted_at`. */
export async function existingObjects(connection: DuckDBConnection): Promise<ExistingObject[]> {
  const reader = await connection.runAndReadAll(
    "SELECT t.table_name, t.table_type, EXISTS (SELECT 1 FROM information_schema.columns AS c WHERE c.table_catalog = t.table_catalog AND c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = '_extracted_at') " +
      "FROM information_schema.tables AS t WHERE t.table_catalog = current_database() AND t.table_schema = 'main'",
  );
  return reader.getRows().map(([name, type, shaped]) => ({
    name: String(name),
    type: (type === 'VIEW' ? 'view' : 'table') as ObjectType,
    devinShaped: shaped === true,
  }));
}

/** What `_devin_tap_objects` records. */
export async function recordedObjects(connection: DuckDBConnection): Promise<DbObject[]> {
  const reader = await connection.runAndReadAll(`SELECT name, type FROM ${OBJECTS_TABLE}`);
  return reader.getRows().map(([name, type]) => ({
    name: String(name),
    type: (type === 'view' ? 'view' : 'table') as ObjectType,
  }));
}
