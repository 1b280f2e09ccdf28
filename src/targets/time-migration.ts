import { isJsonObject } from '../tap/json.js';
import { columnKind } from './column-types.js';
import { createTableSql, writtenColumns } from './sql.js';
import {
  type Column,
  EXTRA_COLUMN,
  type ExistingColumn,
  quoteIdent,
  type TableLayout,
  tableLayout,
} from './table-layout.js';
import { META_PREFIX, type MigratedColumns, type StreamSchema } from './target.js';

/**
 * Earlier versions stored a time column not named `*_at` (`consumption_daily.date`, `metrics_*.date`,
 * `metrics_active_users.start_time`...) as BIGINT epoch seconds in DuckDB; the catalog now marks it
 * a timestamp, stored as TIMESTAMPTZ like every other time. Such a table is rebuilt in place:
 * DuckDB cannot retype a primary key column.
 */
export interface TimeMigration {
  readonly table: string;
  /** The columns retyped from BIGINT to TIMESTAMPTZ. */
  readonly columns: readonly string[];
  /** Statements to run inside one transaction (with every other table's). */
  readonly statements: readonly string[];
}

/** The existing BIGINT columns of a DuckDB table that its schema marks as timestamps. */
export function epochColumns(stream: StreamSchema, existing: readonly ExistingColumn[]): string[] {
  const properties = isJsonObject(stream.schema.properties) ? stream.schema.properties : {};
  return existing
    .filter(({ name, sqlType }) => sqlType.toUpperCase() === 'BIGINT' && name in properties)
    .filter(({ name }) => columnKind(name, properties[name]) === 'timestamp')
    .map(({ name }) => name);
}

/** The statements that rebuild `stream`'s table with `columns` as TIMESTAMPTZ, rows unchanged. */
export function timeMigration(
  stream: StreamSchema,
  existing: readonly ExistingColumn[],
  columns: readonly string[],
): TimeMigration {
  const names = new Set(existing.map((column) => column.name));
  const full = tableLayout('duckdb', stream, existing);
  const layout: TableLayout = {
    ...full,
    columns: full.columns
      .filter((column) => names.has(column.name))
      .map((column): Column => (columns.includes(column.name) ? { ...column, kind: 'timestamp' } : column)),
    hasExtra: names.has(EXTRA_COLUMN),
  };
  const copy = `${META_PREFIX}migrate_${stream.name}`;
  const list = writtenColumns(layout).map(quoteIdent).join(', ');
  const values = writtenColumns(layout)
    .map((name) => (columns.includes(name) ? `to_timestamp(${quoteIdent(name)})` : quoteIdent(name)))
    .join(', ');
  const [live, temporary] = [quoteIdent(stream.name), quoteIdent(copy)];
  return {
    table: stream.name,
    columns,
    statements: [
      `DROP TABLE IF EXISTS ${temporary}`,
      createTableSql('duckdb', copy, layout),
      `INSERT INTO ${temporary} (${list}) SELECT ${values} FROM ${live}`,
      `DROP TABLE ${live}`,
      `ALTER TABLE ${temporary} RENAME TO ${live}`,
    ],
  };
}

/** One line naming what a migration retyped, or null when nothing was. */
export function migrationMessage(migrated: readonly MigratedColumns[]): string | null {
  if (migrated.length === 0) return null;
  const columns = migrated.flatMap((m) => m.columns.map((column) => `${m.table}.${column}`));
  return (
    `migrated ${columns.length} time column(s) written by an earlier devin-tap from epoch seconds ` +
    `to TIMESTAMPTZ, in one transaction: ${columns.join(', ')}`
  );
}
