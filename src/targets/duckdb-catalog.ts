import type { DuckDBConnection } from '@duckdb/node-api';
import type { ExistingColumn } from './table-layout.js';

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
