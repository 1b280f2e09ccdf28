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

  it('replaces only the rows inside its coverage: the parents it read, inside its window', async () => {
    const days = schemaOf(
      'days',
      { user_id: { type: 'string' }, date: { type: 'integer' }, acus: { type: 'number' } },
      ['user_id', 'date'],
    );
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([days]);
    await target.write('days', [
      { user_id: 'stays', date: 100, acus: 1 }, // a parent the refresh does not list
      { user_id: 'read', date: 50, acus: 1 }, // before the window read
      { user_id: 'read', date: 100, acus: 1 }, // inside: replaced
      { user_id: 'read', date: 150, acus: 1 }, // inside, no longer served: removed
      { user_id: 'read', date: 300, acus: 1 }, // at the window's end (exclusive)
    ]);
    await target.checkpoint({});
    await target.beginFullRefresh('days', {
      parents: ['user_id'],
      window: { column: 'date', from: 100, to: 300 },
    });
    await target.write('days', [
      { user_id: 'read', date: 100, acus: 2 },
      { user_id: 'read', date: 200, acus: 2 },
      { user_id: 'read', date: 300, acus: 2 }, // outside the window, yet served: its row is replaced
    ]);
    await target.completeFullRefresh('days');
    await target.close();
    const rows = await query(kind, path, 'SELECT user_id, date, acus FROM days ORDER BY user_id, date');
    expect(rows.map((row) => `${row.user_id}@${row.date}=${row.acus}`)).toEqual([
      'read@50=1',
      'read@100=2',
      'read@200=2',
      'read@300=2',
      'stays@100=1',
    ]);
  });

  it('with the coverage the read ended on: the organizations read in full, none other', async () => {
    const secrets = schemaOf('secrets', { org_id: { type: 'string' }, id: { type: 'string' } }, [
      'org_id',
      'id',
    ]);
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([secrets]);
    await target.write('secrets', [
      { org_id: 'org-read', id: 'old' }, // read again, no longer served: removed
      { org_id: 'org-empty', id: 'old' }, // read in full, now has none: removed
      { org_id: 'org-failed', id: 'a' }, // its read failed part-way: kept
      { org_id: 'org-failed', id: 'b' },
      { org_id: 'org-not-read', id: 'x' }, // left out of org_ids: kept
    ]);
    await target.checkpoint({});
    await target.beginFullRefresh('secrets', { parents: ['org_id'] });
    await target.write('secrets', [
      { org_id: 'org-read', id: 'new' },
      { org_id: 'org-failed', id: 'a' }, // the one page it read before failing
    ]);
    await target.completeFullRefresh(
      'secrets',
      {},
      { values: { column: 'org_id', values: ['org-read', 'org-empty'] } },
    );
    await target.close();
    const rows = await query(kind, path, 'SELECT org_id, id FROM secrets ORDER BY org_id, id');
    expect(rows.map((row) => `${row.org_id}/${row.id}`)).toEqual([
      'org-failed/a',
      'org-failed/b',
      'org-not-read/x',
      'org-read/new',
    ]);
  });
});
