import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { FilterBudget, FreshTables, KeyFilter } from '../src/targets/fresh-keys.js';
import { openTarget } from '../src/targets/open-target.js';
import { tableLayout } from '../src/targets/table-layout.js';
import { dbPath, KINDS, query, schemaOf, tempDir } from './targets-helpers.js';

const dir = tempDir();
const rows = schemaOf('rows', { id: { type: 'integer' }, tag: { type: 'string' }, v: { type: 'integer' } }, [
  'id',
  'tag',
]);

describe('key filter', () => {
  it('never says "not seen" for a key it was given, and almost never "maybe" for others, as it grows', () => {
    const filter = new KeyFilter();
    const keys = 400_000;
    for (let i = 0; i < keys; i += 1) filter.add(`devin-${i}\u0000evt-${i}`);
    let missed = 0;
    for (let i = 0; i < keys; i += 1) if (!filter.mightHave(`devin-${i}\u0000evt-${i}`)) missed += 1;
    expect(missed).toBe(0);
    // Four layers (16,384 + 65,536 + 262,144 + 1,048,576 keys): a few false "maybe"s in a million.
    let maybes = 0;
    for (let i = keys; i < 2 * keys; i += 1) if (filter.mightHave(`devin-${i}\u0000evt-${i}`)) maybes += 1;
    expect(maybes).toBeLessThan(40);
  });

  it('within its memory budget: once spent, the filter says "maybe" to everything; clearing gives it back', () => {
    const budget = new FilterBudget(100_000);
    const filter = new KeyFilter(budget);
    for (let i = 0; i < 16_384; i += 1) filter.add(`k${i}`);
    expect(filter.mightHave('never added')).toBe(false);
    filter.add('one more');
    expect(filter.mightHave('never added')).toBe(true);
    expect(budget.take(100_000)).toBe(true);
    budget.give(100_000);
    const other = new KeyFilter(budget);
    other.add('a');
    other.release();
    expect(budget.take(100_000)).toBe(true);
  });

  it('marks a key seen in an earlier batch of a table seen empty, and nothing for other tables', () => {
    const layout = tableLayout('duckdb', rows, []);
    const fresh = new FreshTables();
    const shaped = (id: number) => ({ cells: [id, 'a', 1], extra: null, extractedAt: 0 });
    expect(fresh.seen('rows', layout, [shaped(1)])).toBeNull();
    fresh.counted('rows', 0);
    expect(fresh.seen('rows', layout, [shaped(1), shaped(2)])).toEqual([false, false]);
    expect(fresh.seen('rows', layout, [shaped(2), shaped(3)])).toEqual([true, false]);
    fresh.clear();
    expect(fresh.seen('rows', layout, [shaped(4)])).toBeNull();
  });
});

describe.each(KINDS)('%s keys as the database stores them', (kind) => {
  it('two keys that differ only in a lone surrogate are one key, within a batch and across batches', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    const notes = schemaOf('notes', { id: { type: 'string' }, v: { type: 'integer' } }, ['id']);
    await target.prepare([notes]);
    await target.write('notes', [
      { id: 'a\uD800', v: 1 },
      { id: 'a\uD801', v: 2 },
    ]);
    await target.write('notes', [{ id: 'a\uDBFF', v: 3 }]);
    await target.checkpoint({ notes: { at: 1 } });
    await target.close();
    expect(await query(kind, path, 'SELECT v FROM notes')).toEqual([{ v: 3 }]);
  });
});

describe('a DuckDB table of the release before', () => {
  it('is not rebuilt under another key: the run stops naming both', async () => {
    const path = dbPath(dir, 'duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(
      'CREATE TABLE notes (id VARCHAR NOT NULL, n BIGINT, _extracted_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (id))',
    );
    await connection.run("INSERT INTO notes VALUES ('x', 1, now()), ('y', 1, now())");
    connection.closeSync();
    instance.closeSync();
    const target = await openTarget('duckdb', path);
    const notes = schemaOf('notes', { id: { type: 'string' }, n: { type: 'integer' } }, ['n']);
    await expect(target.migrate([notes])).rejects.toThrow(
      "stream notes: key properties [n] differ from the table's primary key [id]",
    );
    await target.close();
    expect(await query('duckdb', path, 'SELECT id FROM notes ORDER BY id')).toEqual([
      { id: 'x' },
      { id: 'y' },
    ]);
  });
});

describe.each(KINDS)('%s first load into an empty table', (kind) => {
  it('inserts new keys, still upserts a key written earlier in the run, and counts both', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([rows]);
    const batch = (ids: number[], v: number) => ids.map((id) => ({ id, tag: `t${id % 3}`, v }));
    expect(await target.write('rows', batch([1, 2, 3], 1))).toEqual({ inserted: 3, updated: 0 });
    await target.checkpoint({ rows: { at: 1 } });
    expect(await target.write('rows', batch([3, 4, 5], 2))).toEqual({ inserted: 2, updated: 1 });
    expect(await target.write('rows', batch([1, 6], 3))).toEqual({ inserted: 1, updated: 1 });
    await target.checkpoint({ rows: { at: 2 } });
    // A full refresh swaps other rows in: later keys are upserted again, none is lost or doubled.
    await target.beginFullRefresh('rows');
    await target.write('rows', batch([1, 2, 7], 4));
    await target.completeFullRefresh('rows', { rows: { at: 3 } });
    expect(await target.write('rows', batch([2, 8], 5))).toEqual({ inserted: 1, updated: 1 });
    await target.checkpoint({ rows: { at: 4 } });
    await target.close();
    expect(await query(kind, path, 'SELECT id, v FROM rows ORDER BY id')).toEqual([
      { id: 1, v: 4 },
      { id: 2, v: 5 },
      { id: 7, v: 4 },
      { id: 8, v: 5 },
    ]);
    if (kind === 'duckdb') {
      // No key index grows in memory with the table: the key is recorded, and kept unique by writes.
      const constraints =
        "SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'rows' AND constraint_type = 'PRIMARY KEY'";
      expect(await query(kind, path, constraints)).toEqual([{ n: 0 }]);
      const comment = "SELECT comment FROM duckdb_tables() WHERE table_name = 'rows'";
      expect(await query(kind, path, comment)).toEqual([{ comment: 'devin-tap primary key: ["id","tag"]' }]);
    }
  });
});
