import { errorMessage, InputError } from '../tap/errors.js';
import type { JsonObject } from '../tap/json.js';
import { type ResultSet, runStatements, StatementError } from './query-engines.js';
import type { Cell } from './query-values.js';
import { textTable } from './text-table.js';

export type QueryFormat = 'table' | 'csv' | 'json';
export type { ResultSet } from './query-engines.js';

const SANDBOX = /Permission Error|disabled (by|through) configuration|configuration has been locked/i;

/**
 * Runs the statements of `sql` in order on a database opened read-only (DuckDB or SQLite, told by
 * the file), reading the database and nothing else; one result per statement.
 */
export async function runQuery(path: string, sql: string): Promise<ResultSet[]> {
  try {
    const results = await runStatements(path, sql);
    if (results.length === 0) throw new InputError('query: the SQL holds no statement');
    return results;
  } catch (error) {
    if (!(error instanceof StatementError)) throw error;
    const hint = SANDBOX.test(errorMessage(error))
      ? ' (query reads the database only: no other file, no network, no extension, no setting)'
      : '';
    throw new InputError(`query failed (nothing was ${error.nothing}): ${errorMessage(error)}${hint}`);
  }
}

function csvCell(text: string | null): string {
  const value = text ?? '';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function asObject(columns: readonly string[], row: readonly Cell[]): JsonObject {
  return Object.fromEntries(columns.map((name, i) => [name, row[i]?.json ?? null]));
}

function tableText({ columns, rows }: ResultSet): string {
  const cells = rows.map((row) => columns.map((_, i) => row[i]?.text ?? 'NULL'));
  const right = new Set(
    columns.flatMap((_, i) => (rows.find((row) => row[i]?.text !== null)?.[i]?.numeric ? [i] : [])),
  );
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return `${textTable(columns, cells, { right, maxCell: 40 })}\n${count}\n`;
}

function formatOne(result: ResultSet, format: QueryFormat): string {
  if (format === 'json')
    return `${JSON.stringify(result.rows.map((row) => asObject(result.columns, row)))}\n`;
  if (format === 'csv') {
    const lines = [
      result.columns.map(csvCell),
      ...result.rows.map((row) => row.map((cell) => csvCell(cell.text))),
    ];
    return lines.map((line) => `${line.join(',')}\r\n`).join('');
  }
  return tableText(result);
}

/**
 * Each result as a text table (NULL shown as NULL), RFC 4180 CSV with a header, or a JSON array of
 * objects (integers beyond 2^53 as strings); several results one after another, a blank line
 * between tables and CSV blocks, one JSON array per line.
 */
export function formatResults(results: readonly ResultSet[], format: QueryFormat): string {
  const parts = results.map((result) => formatOne(result, format));
  if (format === 'json') return parts.join('');
  return parts.join(format === 'csv' ? '\r\n' : '\n');
}
