import { accessSync, closeSync, constants, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { TargetError } from '../tap/errors.js';
import type { TargetKind } from './target.js';

type FileFormat = 'missing' | 'empty' | 'sqlite' | 'duckdb' | 'other';

const SQLITE_MAGIC = 'SQLite format 3\0';

function readHeader(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(16);
    const length = readSync(fd, buffer, 0, 16, 0);
    return buffer.subarray(0, length).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

export function fileFormat(path: string): FileFormat {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 'missing';
  if (stats.isDirectory()) throw new TargetError(`database path ${path} is a directory, not a file`);
  if (stats.size === 0) return 'empty';
  const header = readHeader(path);
  if (header === SQLITE_MAGIC) return 'sqlite';
  // DuckDB files start with an 8-byte checksum, then the magic bytes "DUCK".
  if (header.slice(8, 12) === 'DUCK') return 'duckdb';
  return 'other';
}

const NAMES: Readonly<Record<TargetKind, string>> = { duckdb: 'DuckDB', sqlite: 'SQLite' };

/**
 * Checks a database path before a driver touches it, so that a wrong path fails with a clear
 * message and no file is created. Returns whether the file existed already.
 */
export function checkDatabasePath(kind: TargetKind, path: string): boolean {
  const format = fileFormat(path);
  if (format === 'other') throw new TargetError(`${path} is not a ${NAMES[kind]} database`);
  if (format === 'sqlite' || format === 'duckdb') {
    if (format !== kind) throw new TargetError(`${path} is a ${NAMES[format]} database, not ${NAMES[kind]}`);
  }
  const directory = dirname(path);
  const dirStats = statSync(directory, { throwIfNoEntry: false });
  if (!dirStats?.isDirectory())
    throw new TargetError(`cannot create ${path}: directory ${directory} does not exist`);
  try {
    accessSync(format === 'missing' ? directory : path, constants.W_OK);
    accessSync(directory, constants.W_OK);
  } catch {
    throw new TargetError(`${path} is not writable (check the permissions of the file and of ${directory})`);
  }
  return format !== 'missing';
}

/** Removes a database file this process created when opening it failed part-way. */
export function removeCreatedFiles(path: string): void {
  for (const suffix of ['', '.wal', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}
