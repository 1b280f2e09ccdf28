import { describe, expect, it } from 'vitest';
import { openTarget } from '../src/targets/open-target.js';
import { KINDS, dbPath, query, schemaOf, tableRows, tempDir } from './targets-helpers.js';

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
