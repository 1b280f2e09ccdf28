import { openReadOnly, type ReportDatabase, type Row } from '../report/database.js';
import { errorMessage, InputError } from '../tap/errors.js';
import { textTable } from './text-table.js';

export type QueryFormat = 'table' | 'csv' | 'json';

/** SQLite refuses `all` for a statement that returns no rows: run it instead (a write then fails read-only). */
async function allRows(db: ReportDatabase, sql: string): Promise<Row[]> {
  try {
    return await db.all(sql);
  } catch (error) {
    if (!/does not return data/.test(errorMessage(error))) throw error;
    await db.exec(sql);
    return [];
  }
}

/** Runs one SQL statement on a database opened read-only (DuckDB or SQLite, told by the file). */
export async function runQuery(path: string, sql: string): Promise<Row[]> {
  const db = await openReadOnly(path);
  try {
    return await allRows(db, sql);
  } catch (error) {
    const message = errorMessage(error);
    const readOnly = /read[- ]only|readonly/i.test(message) ? ' (query opens the database read-only)' : '';
    throw new InputError(`query failed: ${message}${readOnly}`);
  } finally {
    db.close();
  }
}

const cellText = (value: Row[string]) => (value === null ? '' : String(value));

function csvCell(value: Row[string]): string {
  const text = cellText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Query rows as a text table (NULL shown as NULL), RFC 4180 CSV with a header, or a JSON array. */
export function formatRows(rows: readonly Row[], format: QueryFormat, columns?: readonly string[]): string {
  const names = columns ?? Object.keys(rows[0] ?? {});
  if (format === 'json') return `${JSON.stringify(rows)}\n`;
  if (format === 'csv') {
    const lines = [
      names.map((name) => csvCell(name)),
      ...rows.map((row) => names.map((n) => csvCell(row[n] ?? null))),
    ];
    return lines.map((line) => `${line.join(',')}\r\n`).join('');
  }
  if (names.length === 0) return '(no rows)\n';
  const cells = rows.map((row) =>
    names.map((name) => (row[name] === null ? 'NULL' : cellText(row[name] ?? null))),
  );
  const right = new Set(names.flatMap((name, i) => (typeof rows[0]?.[name] === 'number' ? [i] : [])));
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return `${textTable(names, cells, { right, maxCell: 40 })}\n${count}\n`;
}
