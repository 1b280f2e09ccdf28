import { stat } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { lockHint } from '../io/progress-file.js';
import { errorMessage, InputError } from '../tap/errors.js';
import { fileFormat } from '../targets/database-file.js';
import type { Dialect } from './dialect.js';

export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;

/** A database opened read-only for the report. TEMP views are allowed: they never touch the file. */
export interface ReportDatabase {
  readonly dialect: Dialect;
  /** Names of the tables in the file (not views). */
  tables(): Promise<Set<string>>;
  exec(sql: string): Promise<void>;
  all(sql: string): Promise<Row[]>;
  /** The result column by column (much faster than rows for DuckDB's 100,000-row results). */
  columns(sql: string): Promise<Record<string, SqlValue[]>>;
  close(): void;
}

/** Tells DuckDB from SQLite by the file header (the one sniffer, shared with the targets). */
export async function detectFormat(path: string): Promise<Dialect> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new InputError(`database not found: ${path}`);
  if (!info.isFile()) throw new InputError(`not a database file: ${path} is a directory or device`);
  const format = fileFormat(path);
  if (format === 'duckdb' || format === 'sqlite') return format;
  throw new InputError(
    `not a DuckDB or SQLite database: ${path}` +
      (format === 'empty' ? ' (the file is empty)' : ' (write one with `devin-tap sync`)'),
  );
}

export async function openReadOnly(path: string): Promise<ReportDatabase> {
  const dialect = await detectFormat(path);
  try {
    return dialect === 'duckdb' ? await openDuckDb(path) : openSqlite(path);
  } catch (error) {
    const hint = /lock/i.test(errorMessage(error)) ? lockHint(path, 'report on') : '';
    throw new InputError(`cannot open ${path} read-only: ${errorMessage(error)}${hint}`);
  }
}

async function openDuckDb(path: string): Promise<ReportDatabase> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const all = async (sql: string): Promise<Row[]> => {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS().map(normalizeRow);
  };
  return {
    dialect: 'duckdb',
    tables: async () =>
      names(
        await all(
          `SELECT table_name AS name FROM information_schema.tables
           WHERE table_catalog = current_database() AND table_schema = 'main' AND table_type = 'BASE TABLE'`,
        ),
      ),
    exec: async (sql) => {
      await connection.run(sql);
    },
    all,
    columns: async (sql) => {
      const reader = await connection.runAndReadAll(sql);
      const columns: Record<string, SqlValue[]> = {};
      for (const [name, values] of Object.entries(reader.getColumnsObjectJS()))
        columns[name] = values.map(normalizeValue);
      return columns;
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function openSqlite(path: string): ReportDatabase {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const all = async (sql: string): Promise<Row[]> =>
    db
      .prepare(sql)
      .all()
      .map((row) => normalizeRow(row as Record<string, unknown>));
  return {
    dialect: 'sqlite',
    tables: async () => names(await all(`SELECT name FROM sqlite_master WHERE type = 'table'`)),
    exec: async (sql) => {
      db.exec(sql);
    },
    all,
    columns: async (sql) => {
      const statement = db.prepare(sql);
      const columns: Record<string, SqlValue[]> = {};
      const names = statement.columns().map((column) => column.name);
      for (const name of names) columns[name] = [];
      const lists = names.map((name) => columns[name] ?? []);
      for (const row of statement.raw().iterate() as Iterable<unknown[]>) {
        for (let i = 0; i < lists.length; i++) lists[i]?.push(normalizeValue(row[i]));
      }
      return columns;
    },
    close: () => db.close(),
  };
}

function names(rows: readonly Row[]): Set<string> {
  return new Set(rows.map((row) => String(row.name)));
}

/** Driver values to plain JSON-able values: BIGINT/HUGEINT to number, dates to ISO text. */
function normalizeRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = normalizeValue(value);
  return out;
}

function normalizeValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
