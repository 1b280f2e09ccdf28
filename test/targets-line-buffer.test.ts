import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { CHUNK_BYTES, ChunkPool } from '../src/targets/chunk-pool.js';
import { writeEvents } from '../src/targets/event-writer.js';
import { LineBuffer } from '../src/targets/line-buffer.js';
import { openTarget } from '../src/targets/open-target.js';
import { decodeRows, type EncodedRows, isEncoded } from '../src/targets/row-batch.js';
import { type ShapedBatch, shapeBatch, shapeChunks } from '../src/targets/rows.js';
import { tableLayout } from '../src/targets/table-layout.js';
import type { Target, TargetKind } from '../src/targets/target.js';
import { dbPath, KINDS, query, tempDir } from './targets-helpers.js';

const dir = tempDir();
const LIMITS = { rows: 1_000_000, bytes: 1 << 30 };
const schema: JsonObject = {
  type: 'object',
  properties: { id: { type: 'string' }, v: { type: 'integer' }, text: { type: 'string' } },
};

/** A row of about `bytes` bytes of UTF-8 (two-byte characters when `wide`). */
function row(id: string, v: number, bytes = 20, wide = false): JsonObject {
  return { id, v, text: wide ? 'é'.repeat(bytes / 2) : 'x'.repeat(bytes) };
}

function ids(rows: EncodedRows): string[] {
  return decodeRows(rows).rows.map((r) => `${r.id}:${r.v}`);
}

function marked(rows: EncodedRows): number[] {
  return [...(rows.superseded ?? [])].flatMap((mark, index) => (mark === 1 ? [index] : []));
}

describe('LineBuffer', () => {
  it('gives back every row, byte for byte, across chunks, a row larger than a chunk and wide characters', () => {
    const buffer = new LineBuffer(LIMITS, new ChunkPool());
    const rows = [
      row('a', 1, 100_000),
      row('b', 2, 200_000, true),
      row('c', 3, CHUNK_BYTES * 2),
      row('d', 4, 10, true),
      row('e', 5, 150_000),
    ];
    let bytes = 0;
    rows.forEach((r, index) => {
      bytes += buffer.push(r, 1000 + index);
    });
    expect(buffer.bytes).toBe(bytes);
    expect(bytes).toBe(rows.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0));
    const taken = buffer.take();
    expect(taken.bytes).toBe(bytes);
    expect(taken.rows.chunks.length).toBeGreaterThan(2);
    expect(decodeRows(taken.rows)).toEqual({ rows, extractedAt: [1000, 1001, 1002, 1003, 1004] });
    expect(buffer.size).toBe(0);
    expect(buffer.bytes).toBe(0);
  });

  it('takes the covered rows out (cutting a chunk between them) and keeps the rest in order', () => {
    const buffer = new LineBuffer(LIMITS, new ChunkPool());
    for (let i = 0; i < 10; i += 1) buffer.push(row(`r${i}`, i, 60_000), i);
    buffer.mark();
    for (let i = 10; i < 13; i += 1) buffer.push(row(`r${i}`, i, 60_000), i);
    const first = buffer.takeCovered();
    expect(ids(first.rows)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}:${i}`));
    expect(buffer.size).toBe(3);
    expect(buffer.coveredSize).toBe(0);
    buffer.push(row('r13', 13), 13);
    buffer.mark();
    buffer.push(row('r14', 14), 14);
    // A failed stream forgets what no state covers.
    const dropped = buffer.dropUncovered();
    expect(dropped).toBe(Buffer.byteLength(JSON.stringify(row('r14', 14))));
    const rest = buffer.take();
    expect(ids(rest.rows)).toEqual(['r10:10', 'r11:11', 'r12:12', 'r13:13']);
    expect([...rest.rows.extractedAt]).toEqual([10, 11, 12, 13]);
    expect(rest.bytes + first.bytes + dropped).toBe(
      Array.from({ length: 15 }, (_, i) => row(`r${i}`, i, i < 13 ? 60_000 : 20)).reduce(
        (sum, r) => sum + Buffer.byteLength(JSON.stringify(r)),
        0,
      ),
    );
  });

  it('marks a row superseded only by a later row of the same key in the same batch', () => {
    const buffer = new LineBuffer(LIMITS, new ChunkPool());
    buffer.setKeys(['id']);
    buffer.push(row('a', 1), 0);
    buffer.push(row('b', 1), 0);
    buffer.push(row('a', 2), 0);
    buffer.push({ v: 9 }, 0); // no key: never marked
    buffer.push({ v: 9 }, 0);
    buffer.push(row('c', 1), 0);
    buffer.mark();
    buffer.push(row('c', 2), 0); // after the mark: c:1 is written with the first batch
    buffer.push({ id: 1, v: 3 }, 0); // the number 1 is not the string "1"
    buffer.push(row('1', 3), 0);
    const first = buffer.takeCovered();
    expect(marked(first.rows)).toEqual([0]);
    buffer.push(row('c', 3), 0);
    const second = buffer.take();
    expect(ids(second.rows)).toEqual(['c:2', '1:3', '1:3', 'c:3']);
    expect(marked(second.rows)).toEqual([0]);
  });

  it('uses its chunks again once a batch is written', () => {
    const pool = new ChunkPool();
    const buffer = new LineBuffer(LIMITS, pool);
    buffer.push(row('a', 1, 1000), 0);
    const taken = buffer.take();
    const chunk = taken.rows.chunks[0]?.buffer;
    pool.giveBatch(taken.rows);
    buffer.push(row('b', 1, 1000), 0);
    expect(buffer.take().rows.chunks[0]?.buffer).toBe(chunk);
  });
});

describe('shapeChunks', () => {
  it('shapes an encoded batch as shapeBatch shapes its rows: the last of a key, bad keys rejected', () => {
    const layout = tableLayout('sqlite', { name: 't', schema, keys: ['id'] }, [
      { name: 'id', sqlType: 'INTEGER' },
      { name: 'v', sqlType: 'INTEGER' },
      { name: 'text', sqlType: 'TEXT' },
      { name: '_extracted_at', sqlType: 'INTEGER' },
    ]);
    const buffer = new LineBuffer(LIMITS, new ChunkPool());
    buffer.setKeys(['id']);
    const records = [
      { id: 1, v: 1 },
      { id: 'x', v: 1 }, // does not fit the INTEGER key column: rejected, both times
      { id: 2, v: 1, more: true },
      { id: 1, v: 2 },
      { id: 'x', v: 2 },
      { v: 3 },
    ];
    for (const [index, record] of records.entries()) buffer.push(record, 100 + index);
    const { rows } = buffer.take();
    const chunks: ShapedBatch[] = [];
    shapeChunks(layout, rows, undefined, 0, (chunk) => chunks.push(chunk));
    const expected = shapeBatch(layout, records, [100, 101, 102, 103, 104, 105], 0);
    const sortById = (shaped: ShapedBatch['rows']) =>
      [...shaped].sort((a, b) => Number(a.cells[0]) - Number(b.cells[0]));
    expect(sortById(chunks.flatMap((chunk) => chunk.rows))).toEqual(sortById(expected.rows));
    expect(chunks.flatMap((chunk) => chunk.rejected)).toEqual(expected.rejected);
    expect(expected.rejected).toHaveLength(3);
  });
});

const streamSchema: JsonObject = schema;

function events(): TapEvent[] {
  const out: TapEvent[] = [
    { kind: 'schema', stream: 'a', schema: streamSchema, keys: ['id'], cursorField: null },
  ];
  const push = (data: JsonObject) =>
    out.push({ kind: 'record', stream: 'a', data, emittedAt: 1_700_000_000_000 });
  push(row('1', 1));
  push(row('2', 1, 300_000, true));
  push(row('1', 2)); // the same key again in the batch: the last one wins, counted once
  out.push({ kind: 'state', stream: 'a', state: { cursor: 1 }, recordCount: 3 });
  push(row('3', 1, CHUNK_BYTES + 10));
  out.push({ kind: 'state', stream: 'a', state: { cursor: 2 }, recordCount: 1 });
  return out;
}

async function* from(list: readonly TapEvent[]): AsyncGenerator<TapEvent> {
  yield* list;
}

async function checkWritten(kind: TargetKind, target: Target): Promise<void> {
  const stats = await writeEvents(from(events()), { target });
  expect(stats.a).toEqual({ records: 4, inserted: 3, updated: 0, error: null });
  expect(await target.readState()).toEqual({ a: { cursor: 2 } });
  await target.close();
  const stored = await query(kind, target.path, 'SELECT id, v, length(text) AS n FROM a ORDER BY id');
  expect(stored).toEqual([
    { id: '1', v: 2, n: 20 },
    { id: '2', v: 1, n: 150_000 },
    { id: '3', v: 1, n: CHUNK_BYTES + 10 },
  ]);
}

describe.each(KINDS)('%s: a batch whose repeated keys came unmarked', (kind) => {
  it('still stores one row per key, the last', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([{ name: 'a', schema, keys: ['id'] }]);
    const buffer = new LineBuffer(LIMITS, new ChunkPool());
    for (const [id, v] of [
      ['1', 1],
      ['2', 1],
      ['1', 2],
      ['3', 1],
      ['1', 3],
    ] as const)
      buffer.push(row(id, v), 0);
    const { rows } = buffer.take();
    expect(rows.superseded).toBeNull();
    expect(await target.write('a', rows)).toMatchObject({ inserted: 3 });
    await target.checkpoint({});
    await target.close();
    expect(await query(kind, path, 'SELECT id, v FROM a ORDER BY id')).toEqual([
      { id: '1', v: 3 },
      { id: '2', v: 1 },
      { id: '3', v: 1 },
    ]);
  });
});

describe.each(KINDS)('%s: batches of the event writer', (kind) => {
  it('are written in this thread as they were read, encoded (never a batch of objects)', async () => {
    const target = await openTarget(kind, dbPath(dir, kind));
    const formats: boolean[] = [];
    const spy: Target = Object.create(target);
    spy.write = (stream, rows, extractedAt) => {
      formats.push(isEncoded(rows));
      return target.write(stream, rows, extractedAt);
    };
    await checkWritten(kind, spy);
    expect(new Set(formats)).toEqual(new Set([true]));
  });

  it('cross to the writer thread and their chunks come back', async () => {
    // The thread runs dist/ (the test setup builds it).
    const url = pathToFileURL(resolve('dist/src/targets/worker-target.js')).href;
    const { WorkerTarget } = (await import(url)) as typeof import('../src/targets/worker-target.js');
    const target = await WorkerTarget.open(kind, dbPath(dir, kind));
    await target.prepare([{ name: 'a', schema: streamSchema, keys: ['id'] }]);
    const buffer = new LineBuffer(LIMITS, new ChunkPool());
    buffer.push(row('9', 1, 1000), 0);
    const { rows } = buffer.take();
    expect(await target.write('a', rows)).toEqual({ inserted: 1, updated: 0 });
    expect(rows.chunks.map((chunk) => chunk.byteLength)).toEqual([CHUNK_BYTES]);
    await target.checkpoint({});
    await target.close();
    const worker = await WorkerTarget.open(kind, dbPath(dir, kind));
    await checkWritten(kind, worker);
  });
});
