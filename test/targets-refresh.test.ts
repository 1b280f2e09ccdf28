import { describe, expect, it } from 'vitest';
import { openTarget } from '../src/targets/open-target.js';
import { dbPath, KINDS, query, schemaOf, tempDir } from './targets-helpers.js';

const dir = tempDir();
const notes = schemaOf('notes', { id: { type: 'string' }, v: { type: 'integer' } }, ['id']);
const ids = (rows: readonly { id?: unknown; v?: unknown }[]) => rows.map((row) => `${row.id}=${row.v}`);

describe.each(KINDS)('%s full refresh', (kind) => {
  async function seeded(): Promise<string> {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([notes]);
    await target.write('notes', [
      { id: 'a', v: 1 },
      { id: 'b', v: 1 },
      { id: 'c', v: 1 },
    ]);
    await target.checkpoint({ notes: { cursor: 'old' } });
    await target.close();
    return path;
  }

  it('replaces the rows and stores the state in one step', async () => {
    const path = await seeded();
    const target = await openTarget(kind, path);
    await target.prepare([notes]);
    await target.beginFullRefresh('notes');
    await target.write('notes', [
      { id: 'b', v: 2 },
      { id: 'd', v: 2 },
    ]);
    await target.checkpoint({});
    await target.write('notes', [{ id: 'b', v: 3 }]);
    await target.completeFullRefresh('notes', { notes: { cursor: 'new' } });
    expect(await target.readState()).toEqual({ notes: { cursor: 'new' } });
    await target.close();
    expect(ids(await query(kind, path, 'SELECT id, v FROM notes ORDER BY id'))).toEqual(['b=3', 'd=2']);
    const leftovers = await query(
      kind,
      path,
      kind === 'duckdb'
        ? "SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE '_devin_tap_refresh%'"
        : "SELECT name FROM sqlite_master WHERE name LIKE '_devin_tap_refresh%'",
    );
    expect(leftovers).toEqual([]);
  });

  it('keeps the old rows and state when the refresh is aborted or the process stops part-way', async () => {
    const path = await seeded();
    let target = await openTarget(kind, path);
    await target.prepare([notes]);
    await target.beginFullRefresh('notes');
    await target.write('notes', [{ id: 'z', v: 9 }]);
    await target.checkpoint({});
    await target.abortFullRefresh('notes');
    await target.close();
    expect(ids(await query(kind, path, 'SELECT id, v FROM notes ORDER BY id'))).toEqual([
      'a=1',
      'b=1',
      'c=1',
    ]);

    target = await openTarget(kind, path);
    await target.prepare([notes]);
    await target.beginFullRefresh('notes');
    await target.write('notes', [{ id: 'z', v: 9 }]);
    await target.checkpoint({});
    await target.close(); // never completed: as if the run failed
    expect(ids(await query(kind, path, 'SELECT id, v FROM notes ORDER BY id'))).toEqual([
      'a=1',
      'b=1',
      'c=1',
    ]);

    target = await openTarget(kind, path);
    expect(await target.readState()).toEqual({ notes: { cursor: 'old' } });
    await target.prepare([notes]);
    await target.beginFullRefresh('notes'); // a new refresh starts from an empty staging table
    await target.write('notes', [{ id: 'y', v: 5 }]);
    await target.completeFullRefresh('notes');
    await target.close();
    expect(ids(await query(kind, path, 'SELECT id, v FROM notes ORDER BY id'))).toEqual(['y=5']);
  });

  it('adds a column to the staging table when the schema grows during a refresh', async () => {
    const path = await seeded();
    const target = await openTarget(kind, path);
    await target.prepare([notes]);
    await target.beginFullRefresh('notes');
    await target.write('notes', [{ id: 'a', v: 1 }]);
    const grown = schemaOf(
      'notes',
      { id: { type: 'string' }, v: { type: 'integer' }, w: { type: 'string' } },
      ['id'],
    );
    await target.prepare([grown]);
    await target.write('notes', [{ id: 'b', v: 2, w: 'new' }]);
    await target.completeFullRefresh('notes');
    await target.close();
    expect(await query(kind, path, 'SELECT id, w FROM notes ORDER BY id')).toEqual([
      { id: 'a', w: null },
      { id: 'b', w: 'new' },
    ]);
  });
});
