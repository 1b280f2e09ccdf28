import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TargetError } from '../src/tap/errors.js';
import { openTarget } from '../src/targets/open-target.js';
import { compileTargets, exited, startChild } from './targets-child.js';
import { dbPath, KINDS, query, schemaOf, tempDir } from './targets-helpers.js';

const dir = tempDir();
const notes = schemaOf('notes', { id: { type: 'string' } }, ['id']);

async function seeded(kind: 'duckdb' | 'sqlite'): Promise<string> {
  const path = dbPath(dir, kind);
  const target = await openTarget(kind, path);
  await target.prepare([notes]);
  await target.write('notes', [{ id: 'kept' }]);
  await target.checkpoint({ notes: { v: 1 } });
  await target.close();
  return path;
}

describe.each(KINDS)('%s target bad paths', (kind) => {
  it('names a missing directory and creates nothing', async () => {
    const path = join(dir, 'missing', `x.${kind}`);
    await expect(openTarget(kind, path)).rejects.toThrow(
      `cannot create ${path}: directory ${join(dir, 'missing')} does not exist`,
    );
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('refuses a directory', async () => {
    const path = join(dir, `a-directory-${kind}`);
    mkdirSync(path);
    await expect(openTarget(kind, path)).rejects.toThrow(`database path ${path} is a directory, not a file`);
  });

  it('refuses a file that is not a database and leaves it unchanged', async () => {
    const path = join(dir, `notes-${kind}.txt`);
    const text = 'just some notes\n'.repeat(500);
    writeFileSync(path, text);
    const error = await openTarget(kind, path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as Error).message).toBe(
      `${path} is not a ${kind === 'duckdb' ? 'DuckDB' : 'SQLite'} database`,
    );
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('refuses the other kind of database', async () => {
    const other = kind === 'duckdb' ? 'sqlite' : 'duckdb';
    const path = await seeded(other);
    await expect(openTarget(kind, path)).rejects.toThrow(
      /is a (DuckDB|SQLite) database, not (DuckDB|SQLite)/,
    );
    expect(await query(other, path, 'SELECT id FROM notes')).toEqual([{ id: 'kept' }]);
  });
});

describe('databases held by another process', () => {
  const childDir = join(dir, 'child');
  mkdirSync(childDir);
  const module = compileTargets(childDir);

  it('duckdb: a clear error naming the file, and the file stays intact', async () => {
    const path = await seeded('duckdb');
    const { child } = await startChild(
      childDir,
      `import { openTarget } from ${JSON.stringify(module)};
       await openTarget('duckdb', ${JSON.stringify(path)});
       console.log('ready'); setInterval(() => {}, 1000);`,
    );
    try {
      await expect(openTarget('duckdb', path)).rejects.toThrow(
        `database ${path} is in use by another process (DuckDB allows one process to open a database for writing)`,
      );
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    expect(await query('duckdb', path, 'SELECT id FROM notes')).toEqual([{ id: 'kept' }]);
  });

  it('sqlite: opening waits for the write lock, then fails with a clear error; nothing half-written', async () => {
    const path = await seeded('sqlite');
    const { child } = await startChild(
      childDir,
      `import Database from 'better-sqlite3';
       const db = new Database(${JSON.stringify(path)});
       db.exec('BEGIN IMMEDIATE'); db.exec("INSERT INTO notes VALUES ('other', NULL, 0)");
       console.log('ready'); setInterval(() => {}, 1000);`,
    );
    try {
      // The lock is taken at open and held for the run: a second writer never gets half-way.
      await expect(openTarget('sqlite', path, { busyTimeoutMs: 200 })).rejects.toThrow(
        `database ${path} is in use by another process (SQLite allows one writer; a sync, load or reset is running on it?)`,
      );
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    expect(await query('sqlite', path, 'SELECT id FROM notes')).toEqual([{ id: 'kept' }]);
  });
});
