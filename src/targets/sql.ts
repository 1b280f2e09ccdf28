import type { Coverage } from '../tap/events.js';
import { COLUMN_TYPES, type Dialect } from './column-types.js';
import {
  type Column,
  EXTRA_COLUMN,
  EXTRACTED_AT_COLUMN,
  quoteIdent,
  type TableLayout,
} from './table-layout.js';
import { REFRESH_PREFIX, STATE_TABLE } from './target.js';

/** The metadata columns that end every table: `_extra` (unless forbidden) and `_extracted_at`. */
export function metaColumns(dialect: Dialect, hasExtra: boolean): string[] {
  const extractedAt = dialect === 'duckdb' ? 'TIMESTAMPTZ' : 'INTEGER';
  const extra = hasExtra ? [`${quoteIdent(EXTRA_COLUMN)} ${COLUMN_TYPES.json[dialect]}`] : [];
  return [...extra, `${quoteIdent(EXTRACTED_AT_COLUMN)} ${extractedAt} NOT NULL`];
}

export function columnSql(dialect: Dialect, column: Column, keys: readonly string[]): string {
  const notNull = keys.includes(column.name) ? ' NOT NULL' : '';
  return `${quoteIdent(column.name)} ${COLUMN_TYPES[column.kind][dialect]}${notNull}`;
}

/**
 * A stream's table. SQLite declares the primary key (its B-tree index lives on disk). DuckDB does
 * not: its key index (ART) stays in memory whatever memory_limit says, about 48 bytes a row, so the
 * DuckDB target keeps keys unique itself (see duckdb/batch.ts) and records them in the table comment.
 */
export function createTableSql(dialect: Dialect, table: string, layout: TableLayout): string {
  const columns = layout.columns.map((column) => columnSql(dialect, column, layout.keys));
  const declared = dialect === 'sqlite' && layout.keys.length > 0;
  const key = declared ? [`PRIMARY KEY (${layout.keys.map(quoteIdent).join(', ')})`] : [];
  const parts = [...columns, ...metaColumns(dialect, layout.hasExtra), ...key];
  return `CREATE TABLE ${quoteIdent(table)} (${parts.join(', ')})`;
}

export function addColumnSql(dialect: Dialect, table: string, column: Column): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${columnSql(dialect, column, [])}`;
}

export function addExtraSql(dialect: Dialect, table: string): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${quoteIdent(EXTRA_COLUMN)} ${COLUMN_TYPES.json[dialect]}`;
}

export function stateTableSql(dialect: Dialect): string {
  const [state, updatedAt] = dialect === 'duckdb' ? ['JSON', 'TIMESTAMPTZ'] : ['TEXT', 'INTEGER'];
  return `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (stream TEXT PRIMARY KEY, state ${state} NOT NULL, updated_at ${updatedAt} NOT NULL)`;
}

export function refreshTable(stream: string): string {
  return REFRESH_PREFIX + stream;
}

/** Columns written per row, in order: layout columns, `_extra` when present, `_extracted_at`. */
export function writtenColumns(layout: TableLayout): string[] {
  const extra = layout.hasExtra ? [EXTRA_COLUMN] : [];
  return [...layout.columns.map((column) => column.name), ...extra, EXTRACTED_AT_COLUMN];
}

/**
 * Replaces a stream's rows inside `coverage` (every row without one) with its staging copy's and
 * drops the copy (run inside a transaction). Rows outside the coverage stay; a staging row whose key
 * an outside row holds replaces it.
 */
export function swapSql(
  dialect: Dialect,
  table: string,
  staging: string,
  layout: TableLayout,
  coverage?: Coverage,
): string[] {
  const list = writtenColumns(layout).map(quoteIdent).join(', ');
  const [live, copy] = [quoteIdent(table), quoteIdent(staging)];
  const deletes =
    coverage === undefined
      ? [`DELETE FROM ${live}`]
      : coveredDeletes(dialect, table, staging, layout, coverage);
  return [...deletes, `INSERT INTO ${live} (${list}) SELECT ${list} FROM ${copy}`, `DROP TABLE ${copy}`];
}

function sameColumns(columns: readonly string[], left: string, right: string): string {
  return columns
    .map((column) => `${right}.${quoteIdent(column)} = ${left}.${quoteIdent(column)}`)
    .join(' AND ');
}

function coveredDeletes(
  dialect: Dialect,
  table: string,
  staging: string,
  layout: TableLayout,
  coverage: Coverage,
): string[] {
  const [live, copy] = [quoteIdent(table), quoteIdent(staging)];
  const where: string[] = [];
  if (coverage.parents && coverage.parents.length > 0)
    where.push(`EXISTS (SELECT 1 FROM ${copy} AS s WHERE ${sameColumns(coverage.parents, live, 's')})`);
  if (coverage.window) {
    const { column, from, to } = coverage.window;
    const kind = layout.columns.find((candidate) => candidate.name === column)?.kind;
    const instant = (seconds: number) =>
      dialect === 'duckdb' && kind === 'timestamp' ? `to_timestamp(${seconds})` : String(seconds);
    where.push(`${quoteIdent(column)} >= ${instant(from)} AND ${quoteIdent(column)} < ${instant(to)}`);
  }
  if (coverage.values) {
    const column = quoteIdent(coverage.values.column);
    const list = coverage.values.values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ');
    where.push(`(${column} IS NULL OR ${column} IN (${list}))`);
  }
  const scoped =
    where.length > 0 ? [`DELETE FROM ${live} WHERE ${where.join(' AND ')}`] : [`DELETE FROM ${live}`];
  const keyed =
    layout.keys.length > 0
      ? [
          `DELETE FROM ${live} WHERE EXISTS (SELECT 1 FROM ${copy} AS s WHERE ${sameColumns(layout.keys, live, 's')})`,
        ]
      : [];
  return [...scoped, ...keyed];
}
