import type Database from 'better-sqlite3';
import type { Cell, ShapedRow } from './rows.js';
import { keyIndexes } from './rows.js';
import { writtenColumns } from './sql.js';
import { quoteIdent, type TableLayout } from './table-layout.js';

type SqliteValue = string | number | null;

export interface SqliteStatements {
  /** Whether a row with this row's key exists (always false without keys). */
  exists(row: ShapedRow): boolean;
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
  return {
    exists: (row) =>
      exists?.get(...indexes.map((index) => sqliteCell(row.cells[index] ?? null))) !== undefined,
    upsert: (row) => {
      upsert.run(...params(layout, row));
    },
  };
}
