import type Database from 'better-sqlite3';
import type { Cell, ShapedRow } from '../rows.js';
import { keyIndexes } from '../rows.js';
import { writtenColumns } from '../sql.js';
import { quoteIdent, type TableLayout } from '../table-layout.js';

type SqliteValue = string | number | null;

export interface SqliteStatements {
  /** Whether a row with this row's key exists (always false without keys). */
  exists(row: ShapedRow): boolean;
  /** Whether the row's key is new, or stored with the same content (`_extracted_at` aside), or changed. */
  compare(row: ShapedRow): 'new' | 'same' | 'changed';
  upsert(row: ShapedRow): void;
}

function sqliteCell(cell: Cell): SqliteValue {
  return typeof cell === 'boolean' ? (cell ? 1 : 0) : cell;
}

function params(layout: TableLayout, row: ShapedRow): SqliteValue[] {
  const values = row.cells.map(sqliteCell);
  if (layout.hasExtra) values.push(row.extra);
  values.push(row.extractedAt);
  return values;
}

function upsertSql(table: string, layout: TableLayout): string {
  const columns = writtenColumns(layout);
  const insert = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  if (layout.keys.length === 0) return insert;
  const updates = columns.filter((column) => !layout.keys.includes(column));
  const set = updates.map((column) => `${quoteIdent(column)} = excluded.${quoteIdent(column)}`).join(', ');
  return `${insert} ON CONFLICT (${layout.keys.map(quoteIdent).join(', ')}) DO UPDATE SET ${set}`;
}

export function sqliteStatements(
  db: Database.Database,
  table: string,
  layout: TableLayout,
): SqliteStatements {
  const upsert = db.prepare(upsertSql(table, layout));
  const indexes = keyIndexes(layout);
  const where = layout.keys.map((key) => `${quoteIdent(key)} = ?`).join(' AND ');
  const exists =
    indexes.length > 0 ? db.prepare(`SELECT 1 FROM ${quoteIdent(table)} WHERE ${where}`).pluck() : null;
  // Every written column but the extraction time, in the order `params` gives them.
  const content = writtenColumns(layout).slice(0, -1);
  const stored =
    indexes.length > 0
      ? db
          .prepare(`SELECT ${content.map(quoteIdent).join(', ')} FROM ${quoteIdent(table)} WHERE ${where}`)
          .raw()
      : null;
  const keyOf = (row: ShapedRow) => indexes.map((index) => sqliteCell(row.cells[index] ?? null));
  return {
    exists: (row) => exists?.get(...keyOf(row)) !== undefined,
    compare: (row) => {
      const current = stored?.get(...keyOf(row)) as unknown[] | undefined;
      if (current === undefined) return 'new';
      const next = params(layout, row);
      return current.every((value, index) => value === next[index]) ? 'same' : 'changed';
    },
    upsert: (row) => {
      upsert.run(...params(layout, row));
    },
  };
}
