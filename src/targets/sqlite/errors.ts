import { errorMessage, TargetError } from '../../tap/errors.js';
import { IN_USE } from '../target.js';

const MESSAGES: Readonly<Record<string, string>> = {
  SQLITE_BUSY: `${IN_USE} (SQLite allows one writer; a sync, load or reset is running on it?)`,
  SQLITE_LOCKED: 'is locked by another connection',
  SQLITE_NOTADB: 'is not a SQLite database',
  SQLITE_CORRUPT: 'is corrupt',
  SQLITE_READONLY: 'is read-only',
  SQLITE_CANTOPEN: 'cannot be opened (does its directory exist and is it writable?)',
  SQLITE_FULL: 'cannot grow: the disk is full',
  SQLITE_IOERR: 'could not be read or written (I/O error)',
};

function code(error: unknown): string {
  const value = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof value === 'string' ? value : '';
}

/** Turns a better-sqlite3 error into a TargetError naming the database file. */
export function sqliteError(path: string, error: unknown): TargetError {
  if (error instanceof TargetError) return error;
  const known = Object.entries(MESSAGES).find(([prefix]) => code(error).startsWith(prefix));
  const wrapped = new TargetError(
    known ? `database ${path} ${known[1]}` : `database ${path}: ${errorMessage(error)}`,
  );
  wrapped.cause = error;
  return wrapped;
}
