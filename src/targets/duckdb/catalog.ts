import type { DuckDBConnection } from '@duckdb/node-api';
import { type DbObject, type ExistingObject, OBJECTS_TABLE, type ObjectType } from '../owned-objects.js';
import type { ExistingColumn } from '../table-layout.js';

/** A table's columns in order ([] when the table does not exist). */
export async function columnsOf(connection: DuckDBConnection, table: string): Promise<ExistingColumn[]> {
  const reader = await connection.runAndReadAll(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position",
    [table],
  );
  return reader.getRows().map(([name, type]) => ({ name: String(name), sqlType: String(type) }));
}

/** A table's primary key columns ([] when it has none). */
export async function primaryKey(connection: DuckDBConnection, table: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    "SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1 AND constraint_type = 'PRIMARY KEY'",
    [table],
  );
  const names = reader.getRowsJson()[0]?.[0];
  return Array.isArray(names) ? names.map(String) : [];
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
