import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { ColumnKind } from '../column-types.js';
import type { Cell, ShapedRow } from '../rows.js';
import { EXTRA_COLUMN, EXTRACTED_AT_COLUMN, quoteIdent, type TableLayout } from '../table-layout.js';

/** Staging column types: what the appender writes; converted to the table's types by the upsert. */
export const STAGING_TYPES: Readonly<Record<ColumnKind, string>> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'BIGINT',
  json: 'VARCHAR',
};

export const CONVERT: Readonly<Record<ColumnKind, (column: string) => string>> = {
  string: (column) => column,
  integer: (column) => column,
  number: (column) => column,
  boolean: (column) => column,
  timestamp: (column) => `to_timestamp(${column})`,
  json: (column) => `${column}::JSON`,
};

function stagingColumns(layout: TableLayout): [string, ColumnKind | 'extra' | 'extracted_at'][] {
  const columns: [string, ColumnKind | 'extra' | 'extracted_at'][] = layout.columns.map((c) => [
    c.name,
    c.kind,
  ]);
  if (layout.hasExtra) columns.push([EXTRA_COLUMN, 'extra']);
  columns.push([EXTRACTED_AT_COLUMN, 'extracted_at']);
  return columns;
}

/** Staging column that says whether a row's key may already be in the table (see FreshTables). */
export const SEEN_COLUMN = '_devin_tap_seen';

export function createStagingSql(staging: string, layout: TableLayout, withSeen = false): string {
  const columns = stagingColumns(layout).map(([name, kind]) => {
    const type = kind === 'extra' ? 'VARCHAR' : kind === 'extracted_at' ? 'BIGINT' : STAGING_TYPES[kind];
    return `${quoteIdent(name)} ${type}`;
  });
  if (withSeen) columns.push(`${SEEN_COLUMN} BOOLEAN`);
  return `CREATE OR REPLACE TEMP TABLE ${quoteIdent(staging)} (${columns.join(', ')})`;
}

/** Frees a staged batch once written: a temp table's rows stay in memory until it is dropped. */
export function dropStagingSql(staging: string): string {
  return `DROP TABLE IF EXISTS temp.main.${quoteIdent(staging)}`;
}

/** The staging rows converted to the table's column types (epoch seconds and ms to TIMESTAMPTZ). */
export function convertedSql(staging: string, layout: TableLayout, where = ''): string {
  const expressions = stagingColumns(layout).map(([name, kind]) => {
    const column = quoteIdent(name);
    if (kind === 'extra') return `${column}::JSON AS ${column}`;
    if (kind === 'extracted_at') return `make_timestamptz(${column} * 1000) AS ${column}`;
    return `${CONVERT[kind](column)} AS ${column}`;
  });
  return `SELECT ${expressions.join(', ')} FROM temp.main.${quoteIdent(staging)}${where}`;
}

/** A lone surrogate as JSON.stringify escapes it, after an even run of backslashes (not itself escaped). */
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * JSON text DuckDB's JSON type accepts. JSON.stringify escapes a lone surrogate (a string cut inside
 * an emoji) as \udXXX, which DuckDB refuses, failing the whole batch; it becomes U+FFFD, as a lone
 * surrogate in a VARCHAR column does on its way through the appender.
 */
export function duckdbJsonText(text: string): string {
  return text.includes('\\ud') ? text.replace(LONE_SURROGATE, '$1\\ufffd') : text;
}

function appendCell(appender: DuckDBAppender, kind: ColumnKind, cell: Cell): void {
  if (cell === null) appender.appendNull();
  else if (typeof cell === 'boolean') appender.appendBoolean(cell);
  else if (typeof cell === 'string') appender.appendVarchar(kind === 'json' ? duckdbJsonText(cell) : cell);
  else if (kind === 'number') appender.appendDouble(cell);
  else appender.appendBigInt(BigInt(cell));
}

/** Appends shaped rows (with their maybe-seen marks when the staging table has that column). */
export type AppendRows = (rows: readonly ShapedRow[], seen: readonly boolean[] | null) => void;

/**
 * Recreates the staging table and fills it through the appender with the rows `fill` hands over,
 * chunk by chunk (so a batch need not live shaped all at once). Recreating (not DELETE FROM) lets
 * DuckDB free the previous batch: deleted rows of an in-memory temp table are never reclaimed, so a
 * DELETE would keep every batch ever staged in memory. Returns the rows staged.
 */
export async function stageChunks(
  connection: DuckDBConnection,
  staging: string,
  layout: TableLayout,
  withSeen: boolean,
  fill: (append: AppendRows) => void,
): Promise<number> {
  await connection.run(createStagingSql(staging, layout, withSeen));
  const appender = await connection.createAppender(staging, 'main', 'temp');
  const kinds = layout.columns.map((column) => column.kind);
  let staged = 0;
  try {
    fill((rows, seen) => {
      rows.forEach((row, rowIndex) => {
        for (let index = 0; index < kinds.length; index += 1) {
          appendCell(appender, kinds[index] ?? 'json', row.cells[index] ?? null);
        }
        if (layout.hasExtra) appendCell(appender, 'json', row.extra);
        appender.appendBigInt(BigInt(Math.round(row.extractedAt)));
        if (withSeen) appender.appendBoolean(seen?.[rowIndex] ?? true);
        appender.endRow();
      });
      staged += rows.length;
    });
  } finally {
    appender.closeSync();
  }
  return staged;
}

/** Stages a whole shaped batch (see stageChunks). */
export async function stageRows(
  connection: DuckDBConnection,
  staging: string,
  layout: TableLayout,
  rows: readonly ShapedRow[],
  seen: readonly boolean[] | null = null,
): Promise<void> {
  await stageChunks(connection, staging, layout, seen !== null, (append) => append(rows, seen));
}
