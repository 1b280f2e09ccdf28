import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { ColumnKind } from './column-types.js';
import type { Cell, ShapedRow } from './rows.js';
import { writtenColumns } from './sql.js';
import { EXTRA_COLUMN, EXTRACTED_AT_COLUMN, quoteIdent, type TableLayout } from './table-layout.js';

/** Staging column types: what the appender writes; converted to the table's types by the upsert. */
const STAGING_TYPES: Readonly<Record<ColumnKind, string>> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'BIGINT',
  json: 'VARCHAR',
};

const CONVERT: Readonly<Record<ColumnKind, (column: string) => string>> = {
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

export function createStagingSql(staging: string, layout: TableLayout): string {
  const columns = stagingColumns(layout).map(([name, kind]) => {
    const type = kind === 'extra' ? 'VARCHAR' : kind === 'extracted_at' ? 'BIGINT' : STAGING_TYPES[kind];
    return `${quoteIdent(name)} ${type}`;
  });
  return `CREATE OR REPLACE TEMP TABLE ${quoteIdent(staging)} (${columns.join(', ')})`;
}

/** The staging rows converted to the table's column types (epoch seconds and ms to TIMESTAMPTZ). */
function convertedSql(staging: string, layout: TableLayout): string {
  const expressions = stagingColumns(layout).map(([name, kind]) => {
    const column = quoteIdent(name);
    if (kind === 'extra') return `${column}::JSON AS ${column}`;
    if (kind === 'extracted_at') return `make_timestamptz(${column} * 1000) AS ${column}`;
    return `${CONVERT[kind](column)} AS ${column}`;
  });
  return `SELECT ${expressions.join(', ')} FROM temp.main.${quoteIdent(staging)}`;
}

/**
 * How many staged rows have a key already in `table` (`sameContent`: and equal content, the
 * extraction time aside). Counted before the upsert, so `updated` means the content changed.
 */
export function matchingRowsSql(
  table: string,
  staging: string,
  layout: TableLayout,
  sameContent: boolean,
): string {
  const keys = new Set(layout.keys);
  const content = writtenColumns(layout).filter(
    (column) => !keys.has(column) && column !== EXTRACTED_AT_COLUMN,
  );
  const same = content.map(
    (column) => `t.${quoteIdent(column)} IS NOT DISTINCT FROM s.${quoteIdent(column)}`,
  );
  const where = sameContent && same.length > 0 ? ` WHERE ${same.join(' AND ')}` : '';
  const using = layout.keys.map(quoteIdent).join(', ');
  return `SELECT count(*)::BIGINT FROM (${convertedSql(staging, layout)}) s JOIN ${quoteIdent(table)} t USING (${using})${where}`;
}

/** One set-based upsert of the staged batch (an append when the stream has no keys). */
export function upsertSql(table: string, staging: string, layout: TableLayout): string {
  const columns = writtenColumns(layout);
  const insert = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) ${convertedSql(staging, layout)}`;
  if (layout.keys.length === 0) return insert;
  const set = columns
    .filter((column) => !layout.keys.includes(column))
    .map((column) => `${quoteIdent(column)} = excluded.${quoteIdent(column)}`);
  return `${insert} ON CONFLICT (${layout.keys.map(quoteIdent).join(', ')}) DO UPDATE SET ${set.join(', ')}`;
}

function appendCell(appender: DuckDBAppender, kind: ColumnKind, cell: Cell): void {
  if (cell === null) appender.appendNull();
  else if (typeof cell === 'boolean') appender.appendBoolean(cell);
  else if (typeof cell === 'string') appender.appendVarchar(cell);
  else if (kind === 'number') appender.appendDouble(cell);
  else appender.appendBigInt(BigInt(cell));
}

/**
 * Recreates the staging table and fills it with the batch through the appender. Recreating (not
 * DELETE FROM) lets DuckDB free the previous batch: deleted rows of an in-memory temp table are
 * never reclaimed, so a DELETE would keep every batch ever staged in memory.
 */
export async function stageRows(
  connection: DuckDBConnection,
  staging: string,
  layout: TableLayout,
  rows: readonly ShapedRow[],
): Promise<void> {
  await connection.run(createStagingSql(staging, layout));
  const appender = await connection.createAppender(staging, 'main', 'temp');
  try {
    for (const row of rows) {
      layout.columns.forEach((column, index) => {
        appendCell(appender, column.kind, row.cells[index] ?? null);
      });
      if (layout.hasExtra) appendCell(appender, 'json', row.extra);
      appender.appendBigInt(BigInt(Math.round(row.extractedAt)));
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
}
