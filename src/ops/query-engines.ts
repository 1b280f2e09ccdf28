import { DuckDBInstance, type DuckDBPreparedStatement, StatementType } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { lockHint } from '../io/progress-file.js';
import { detectFormat } from '../report/database.js';
import { errorMessage, InputError } from '../tap/errors.js';
import { type Cell, duckCell, sqliteCell } from './query-values.js';
import { splitStatements } from './sql-statements.js';

export interface ResultSet {
  columns: string[];
  rows: Cell[][];
}

/**
 * The database, and nothing else: read-only, no file or network access (no COPY TO, read_csv,
 * glob, ATTACH, INSTALL), no extension loaded, no setting changed.
 */
const DUCKDB_SANDBOX: Record<string, string> = {
  access_mode: 'READ_ONLY',
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  lock_configuration: 'true',
};

/** Statement kinds that only read: SELECT (with SHOW, DESCRIBE, SUMMARIZE, FROM, VALUES) and EXPLAIN. */
const DUCKDB_READS = new Set<number>([StatementType.SELECT, StatementType.EXPLAIN]);

export const READ_ONLY_RULE =
  'query is read-only: it runs SELECT, WITH, VALUES, EXPLAIN, SHOW and DESCRIBE statements only';

/** A statement refused before anything ran (`run`), or one that failed as it ran (`print`). */
export class StatementError extends InputError {
  constructor(
    message: string,
    readonly nothing: 'run' | 'printed',
  ) {
    super(message);
  }
}

/** `statement 2 of 3: why`, or `why` alone when there is one statement. */
function failed(index: number, count: number, why: string, nothing: 'run' | 'printed'): StatementError {
  return new StatementError(count > 1 ? `statement ${index + 1} of ${count}: ${why}` : why, nothing);
}

function refuse(index: number, count: number, why: string): never {
  throw failed(index, count, why, 'run');
}

const notOnlyReading = (kind: string) => `${kind} does not only read; ${READ_ONLY_RULE}`;

async function runDuckDb(path: string, sql: string): Promise<ResultSet[]> {
  const instance = await DuckDBInstance.create(path, DUCKDB_SANDBOX);
  const connection = await instance.connect();
  try {
    const extracted = await connection.extractStatements(sql).catch((error: unknown) => {
      refuse(0, 1, errorMessage(error).replace(/^Failed to extract statements: /, ''));
    });
    const prepared: DuckDBPreparedStatement[] = [];
    for (let i = 0; i < extracted.count; i++) {
      const statement = await extracted.prepare(i).catch((error: unknown) => {
        refuse(i, extracted.count, errorMessage(error));
      });
      if (!DUCKDB_READS.has(statement.statementType)) {
        const kind = StatementType[statement.statementType] ?? 'this';
        refuse(i, extracted.count, notOnlyReading(`a ${kind} statement`));
      }
      prepared.push(statement);
    }
    const results: ResultSet[] = [];
    for (const [i, statement] of prepared.entries()) {
      const reader = await statement.runAndReadAll().catch((error: unknown) => {
        throw failed(i, prepared.length, errorMessage(error), 'printed');
      });
      results.push({ columns: reader.columnNames(), rows: reader.getRows().map((row) => row.map(duckCell)) });
    }
    return results;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function runSqlite(path: string, sql: string): ResultSet[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const texts = splitStatements(sql);
    const statements = texts.map((text, i) => {
      let statement: Database.Statement;
      try {
        statement = db.prepare(text);
      } catch (error) {
        refuse(i, texts.length, errorMessage(error));
      }
      // SQLite's own verdict; ATTACH, VACUUM INTO and setting pragmas return no rows or write.
      if (!statement.readonly || !statement.reader)
        refuse(i, texts.length, notOnlyReading(`a ${firstWord(text)} statement`));
      return statement.safeIntegers(true);
    });
    return statements.map((statement, i) => {
      try {
        const columns = statement.columns().map((column) => column.name);
        const rows = (statement.raw().all() as unknown[][]).map((row) => row.map(sqliteCell));
        return { columns, rows };
      } catch (error) {
        throw failed(i, statements.length, errorMessage(error), 'printed');
      }
    });
  } finally {
    db.close();
  }
}

/** The keyword a statement starts with, after comments: `DELETE`, `VACUUM`, ... */
function firstWord(text: string): string {
  const bare = text.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  return (/^[A-Za-z]+/.exec(bare)?.[0] ?? 'such').toUpperCase();
}

/**
 * Runs every statement of `sql`, in order, on the database opened read-only for reading only. Each
 * statement is checked before any runs, and the results are returned only when all succeeded.
 */
export async function runStatements(path: string, sql: string): Promise<ResultSet[]> {
  const dialect = await detectFormat(path);
  try {
    return dialect === 'duckdb' ? await runDuckDb(path, sql) : runSqlite(path, sql);
  } catch (error) {
    if (error instanceof StatementError) throw error;
    const message = errorMessage(error);
    const hint = /lock/i.test(message) ? lockHint(path, 'query') : '';
    throw new InputError(`cannot query ${path}: ${message}${hint}`);
  }
}
