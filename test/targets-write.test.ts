import { describe, expect, it } from 'vitest';
import { openTarget } from '../src/targets/open-target.js';
import { dbPath, KINDS, query, schemaOf, tableRows, tempDir } from './targets-helpers.js';

const dir = tempDir();

const items = schemaOf(
  'items',
  {
    id: { type: 'string' },
    n: { type: ['integer', 'null'] },
    price: { type: 'number' },
    ok: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    meta: { type: ['object', 'null'] },
    created_at: { type: 'integer' },
  },
  ['id'],
);

describe.each(KINDS)('%s target writes', (kind) => {
  it('upserts on the primary key and counts inserted vs updated, within and across batches', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([items]);
    const first = await target.write('items', [
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
      { id: 'a', n: 3 },
    ]);
    expect(first).toEqual({ inserted: 2, updated: 0 });
    const second = await target.write('items', [
      { id: 'b', n: 20 },
      { id: 'c', n: 30 },
      { id: 'b', n: 21 },
    ]);
    expect(second).toEqual({ inserted: 1, updated: 1 });
    await target.checkpoint({});
    expect(await target.write('items', [{ id: 'a', n: 4 }])).toEqual({ inserted: 0, updated: 1 });
    await target.checkpoint({});
    await target.close();
    const rows = await query(kind, path, 'SELECT id, n FROM items ORDER BY id');
    expect(rows).toEqual([
      { id: 'a', n: 4 },
      { id: 'b', n: 21 },
      { id: 'c', n: 30 },
    ]);
  });
});

describe.each(KINDS)('%s target layout and values', (kind) => {
  it('appends when the stream has no keys', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([schemaOf('events', { id: { type: 'string' } }, [])]);
    expect(await target.write('events', [{ id: 'x' }, { id: 'x' }])).toEqual({ inserted: 2, updated: 0 });
    expect(await target.write('events', [{ id: 'x' }])).toEqual({ inserted: 1, updated: 0 });
    await target.checkpoint({});
    await target.close();
    expect(await query(kind, path, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 3 }]);
  });

  it('round-trips values: JSON, timestamps, booleans, unicode, 100 KB strings, unknown fields in _extra', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([items]);
    const big = 'é☃😀'.repeat(25_000);
    const rows = [
      {
        id: 'a',
        n: 9_007_199_254_740_991,
        price: 1.25,
        ok: true,
        tags: ['x', 'ü'],
        meta: { deep: { list: [1, null, 'z'] }, empty: {} },
        created_at: 1_700_000_123,
        surprise: { nested: [1, 2] },
      },
      { id: big, n: null, price: -0.5, ok: false, tags: [], meta: null, created_at: 0 },
    ];
    await target.write('items', rows, [1_700_000_000_123, 1_700_000_000_456]);
    await target.checkpoint({});
    await target.close();
    const stored = await tableRows(
      kind,
      path,
      'items',
      { json: ['tags', 'meta', '_extra'], timestamps: ['created_at'], booleans: ['ok'] },
      'length(id)',
    );
    const { surprise, ...known } = rows[0] ?? {};
    expect(stored[0]).toMatchObject({ ...known, _extra: { surprise } });
    expect(stored[1]).toMatchObject({ ...rows[1], _extra: null });
    expect(stored[1]?.id).toBe(big);
    const extracted = await query(
      kind,
      path,
      kind === 'duckdb'
        ? 'SELECT epoch_ms(_extracted_at) AS ms FROM items ORDER BY length(id)'
        : 'SELECT _extracted_at AS ms FROM items ORDER BY length(id)',
    );
    expect(extracted).toEqual([{ ms: 1_700_000_000_123 }, { ms: 1_700_000_000_456 }]);
  });

  it('stores a value of an unexpected type as NULL and keeps it in _extra', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([items]);
    const odd = { id: 'a', n: '12', price: 'cheap', ok: 'yes', created_at: 1.5, tags: 'not-an-array' };
    await target.write('items', [odd, { id: 'b', n: 2 ** 60 }]);
    await target.checkpoint({});
    await target.close();
    const stored = await tableRows(kind, path, 'items', { json: ['tags', '_extra'] }, 'id');
    expect(stored[0]).toMatchObject({
      n: null,
      price: null,
      ok: null,
      created_at: null,
      tags: 'not-an-array',
      _extra: { n: '12', price: 'cheap', ok: 'yes', created_at: 1.5 },
    });
    expect(stored[1]).toMatchObject({ n: null, _extra: { n: 2 ** 60 } });
  });

  it('drops unknown fields and has no _extra column when additionalProperties is false', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    const secrets = schemaOf(
      'secrets',
      { secret_id: { type: 'string' }, key: { type: 'string' } },
      ['secret_id'],
      false,
    );
    await target.prepare([secrets]);
    await target.write('secrets', [{ secret_id: 's1', key: 'K', value: 'hunter2' }]);
    await target.checkpoint({});
    await target.close();
    const rows = await query(kind, path, 'SELECT * FROM secrets');
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(['_extracted_at', 'key', 'secret_id']);
    expect(JSON.stringify(rows)).not.toContain('hunter2');
  });

  it('quotes arbitrary stream and property names', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    const odd = schemaOf('public-"odd" table', { 'my id': { type: 'string' }, select: { type: 'integer' } }, [
      'my id',
    ]);
    await target.prepare([odd]);
    await target.write('public-"odd" table', [{ 'my id': 'a', select: 1 }]);
    await target.write('public-"odd" table', [{ 'my id': 'a', select: 2 }]);
    await target.checkpoint({});
    await target.close();
    expect(
      await query(kind, path, 'SELECT "my id" AS id, "select" AS s FROM "public-""odd"" table"'),
    ).toEqual([{ id: 'a', s: 2 }]);
  });

  it('adds the columns of a newer schema, keeps the old ones, and refuses changed keys', async () => {
    const path = dbPath(dir, kind);
    let target = await openTarget(kind, path);
    await target.prepare([schemaOf('t', { id: { type: 'string' }, a: { type: 'string' } }, ['id'])]);
    await target.write('t', [{ id: '1', a: 'x', b: 5 }]);
    await target.checkpoint({});
    await target.close();
    target = await openTarget(kind, path);
    await target.prepare([schemaOf('t', { id: { type: 'string' }, b: { type: 'integer' } }, ['id'])]);
    await target.write('t', [{ id: '2', a: 'y', b: 6 }]);
    await target.checkpoint({});
    await expect(target.prepare([schemaOf('t', { id: { type: 'string' } }, [])])).rejects.toThrow(
      /key properties \[\] differ from the table's primary key \[id\]/,
    );
    await target.close();
    const rows = await tableRows(kind, path, 't', { json: ['_extra'] }, 'id');
    expect(rows.map(({ id, a, b, _extra }) => ({ id, a, b, _extra }))).toEqual([
      { id: '1', a: 'x', b: null, _extra: { b: 5 } },
      { id: '2', a: 'y', b: 6, _extra: null },
    ]);
  });

  it('commits rows and state together; close discards what no checkpoint covered', async () => {
    const path = dbPath(dir, kind);
    let target = await openTarget(kind, path);
    await target.prepare([items]);
    await target.write('items', [{ id: 'a' }]);
    await target.checkpoint({ items: { cursor: 1 } });
    await target.write('items', [{ id: 'b' }]);
    await target.close();
    target = await openTarget(kind, path);
    expect(await target.readState()).toEqual({ items: { cursor: 1 } });
    await target.checkpoint({ items: { cursor: 2 }, other: { v: [1] } });
    expect(await target.readState()).toEqual({ items: { cursor: 2 }, other: { v: [1] } });
    await target.close();
    expect(await query(kind, path, 'SELECT id FROM items')).toEqual([{ id: 'a' }]);
  });
});
