import { describe, expect, it } from 'vitest';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { writeEvents } from '../src/targets/event-writer.js';
import { openTarget } from '../src/targets/open-target.js';
import { decodeRows, rowCount } from '../src/targets/row-batch.js';
import type { Target } from '../src/targets/target.js';
import { dbPath, KINDS, query, tempDir } from './targets-helpers.js';

const dir = tempDir();
const schema: JsonObject = { type: 'object', properties: { id: { type: 'string' }, v: { type: 'integer' } } };

function schemaEvent(stream: string): TapEvent {
  return { kind: 'schema', stream, schema, keys: ['id'], cursorField: null };
}
function record(stream: string, id: string, v = 1): TapEvent {
  return { kind: 'record', stream, data: { id, v }, emittedAt: 1_700_000_000_000 };
}
function state(stream: string, cursor: number, recordCount: number): TapEvent {
  return { kind: 'state', stream, state: { cursor }, recordCount };
}
async function* from(events: readonly TapEvent[], failAt?: number): AsyncGenerator<TapEvent> {
  for (const [index, event] of events.entries()) {
    if (index === failAt) throw new Error('tap crashed');
    yield event;
  }
}

describe.each(KINDS)('%s event writer', (kind) => {
  it('writes batches, commits each state with its rows, keeps a failed stream at its last state', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    const seen: string[] = [];
    const events: TapEvent[] = [
      schemaEvent('a'),
      schemaEvent('b'),
      { kind: 'status', stream: 'a', status: 'started' },
      record('a', '1'),
      record('b', 'x'),
      record('a', '2'),
      record('a', '3'),
      { kind: 'progress', stream: 'a', counters: { records: 3, requests: 1, retries: 0 }, total: 5 },
      state('a', 3, 3),
      state('b', 1, 1),
      record('b', 'y'),
      record('a', '1', 2),
      { kind: 'stream_error', stream: 'b', message: 'b needs permission P', failure: 'config_error' },
      { kind: 'status', stream: 'b', status: 'incomplete' },
      state('b', 99, 1),
      state('a', 4, 1),
      { kind: 'log', level: 'info', message: 'done' },
      { kind: 'status', stream: 'a', status: 'complete' },
    ];
    const stats = await writeEvents(from(events), {
      target,
      limits: { rows: 2 },
      observer: (event) => seen.push(event.kind),
    });
    expect(stats).toEqual({
      a: { records: 4, inserted: 3, updated: 1, error: null },
      b: { records: 2, inserted: 1, updated: 0, error: 'b needs permission P' },
    });
    expect(seen).toContain('progress');
    expect(seen).toContain('log');
    expect(seen).not.toContain('record');
    expect(await target.readState()).toEqual({ a: { cursor: 4 }, b: { cursor: 1 } });
    await target.close();
    expect(await query(kind, path, 'SELECT id, v FROM a ORDER BY id')).toEqual([
      { id: '1', v: 2 },
      { id: '2', v: 1 },
      { id: '3', v: 1 },
    ]);
    expect(await query(kind, path, 'SELECT id FROM b')).toEqual([{ id: 'x' }]);
  });

  it("batches rows across states, commits each state with its rows, never writes rows after a failed stream's last state", async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    const writes: number[] = [];
    const checkpoints: string[] = [];
    const spy: Target = Object.create(target);
    spy.write = (stream, rows, extractedAt) => {
      writes.push(rowCount(rows));
      return target.write(stream, rows, extractedAt);
    };
    spy.checkpoint = async (state) => {
      // Every state committed has all its rows in the table, in this transaction.
      for (const [stream, value] of Object.entries(state)) {
        checkpoints.push(`${stream}:${value.cursor}`);
      }
      return target.checkpoint(state);
    };
    let clock = 0;
    const events: TapEvent[] = [schemaEvent('a'), schemaEvent('b')];
    for (let page = 1; page <= 5; page += 1) {
      for (let i = 0; i < 3; i += 1) events.push(record('a', `a${page}-${i}`));
      events.push(state('a', page, 3));
    }
    events.push(record('b', 'b1'), state('b', 1, 1), record('b', 'b2'), record('b', 'b3'));
    events.push({ kind: 'stream_error', stream: 'b', message: 'b failed', failure: 'transient_error' });
    events.push({ kind: 'status', stream: 'b', status: 'incomplete' });
    const stats = await writeEvents(from(events), {
      target: spy,
      commit: { ms: 1000 },
      now: () => clock++,
    });
    // Five states of a, one batch: a state no longer writes its stream's rows.
    expect(writes).toEqual([15, 1]);
    expect(stats.a).toEqual({ records: 15, inserted: 15, updated: 0, error: null });
    expect(stats.b).toEqual({ records: 3, inserted: 1, updated: 0, error: 'b failed' });
    expect(checkpoints).toContain('a:5');
    expect(checkpoints).toContain('b:1');
    expect(await target.readState()).toEqual({ a: { cursor: 5 }, b: { cursor: 1 } });
    await target.close();
    expect(await query(kind, path, 'SELECT count(*) AS n FROM a')).toEqual([{ n: 15 }]);
    // b2 and b3 came after b's last state: not written, the next run reads them again.
    expect(await query(kind, path, 'SELECT id FROM b')).toEqual([{ id: 'b1' }]);
  });

  it('commits when the interval has passed: each state with exactly the rows it covers', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    const written: string[] = [];
    const commits: { cursor: number; written: string[] }[] = [];
    const spy: Target = Object.create(target);
    spy.write = (stream, rows, extractedAt) => {
      written.push(...decodeRows(rows).rows.map((row) => String(row.id)));
      return target.write(stream, rows, extractedAt);
    };
    spy.checkpoint = (state) => {
      if (state.a) commits.push({ cursor: Number(state.a.cursor), written: [...written] });
      return target.checkpoint(state);
    };
    let clock = 0;
    const events: TapEvent[] = [schemaEvent('a')];
    for (let page = 1; page <= 6; page += 1) {
      events.push(record('a', `${page}-0`), record('a', `${page}-1`), state('a', page, 2));
    }
    // The clock advances 10 ms per call; commits are due every 25 ms.
    await writeEvents(from(events), { target: spy, commit: { ms: 25 }, now: () => (clock += 10) });
    expect(commits.length).toBeGreaterThan(1);
    expect(commits.length).toBeLessThan(6);
    for (const { cursor, written: before } of commits) {
      const pages = Array.from({ length: cursor }, (_, i) => [`${i + 1}-0`, `${i + 1}-1`]).flat();
      expect(before).toEqual(pages);
    }
    expect(await target.readState()).toEqual({ a: { cursor: 6 } });
    await target.close();
  });

  it('replaces a fully refreshed stream on completion, and keeps the old rows when the tap fails', async () => {
    const path = dbPath(dir, kind);
    let target = await openTarget(kind, path);
    await writeEvents(from([schemaEvent('a'), record('a', 'old'), state('a', 1, 1)]), { target });
    await target.close();

    target = await openTarget(kind, path);
    const run = [
      schemaEvent('a'),
      record('a', 'new'),
      state('a', 2, 1),
      record('a', 'new2'),
      state('a', 3, 1),
    ];
    await expect(writeEvents(from(run, 4), { target, fullRefresh: new Set(['a']) })).rejects.toThrow(
      'tap crashed',
    );
    expect(await target.readState()).toEqual({ a: { cursor: 1 } });
    await target.close();
    expect(await query(kind, path, 'SELECT id FROM a')).toEqual([{ id: 'old' }]);

    target = await openTarget(kind, path);
    const done: TapEvent = { kind: 'status', stream: 'a', status: 'complete' };
    const stats = await writeEvents(from([...run, done]), { target, fullRefresh: new Set(['a']) });
    expect(stats.a).toEqual({ records: 2, inserted: 2, updated: 0, error: null });
    expect(await target.readState()).toEqual({ a: { cursor: 3 } });
    await target.close();
    expect(await query(kind, path, 'SELECT id FROM a ORDER BY id')).toEqual([{ id: 'new' }, { id: 'new2' }]);
  });
});

describe.each(KINDS)('%s event writer: re-read scopes', (kind) => {
  const days: JsonObject = {
    type: 'object',
    properties: { user_id: { type: 'string' }, date: { type: 'integer' }, acus: { type: 'number' } },
  };
  const day = (user: string, date: number, acus = 1): TapEvent => ({
    kind: 'record',
    stream: 'days',
    data: { user_id: user, date, acus },
    emittedAt: 1_700_000_000_000,
  });
  const reread = (user: string, from: number, to: number): TapEvent => ({
    kind: 'reread',
    stream: 'days',
    scope: { window: { column: 'date', from, to }, match: { user_id: user } },
  });
  const opening: TapEvent = {
    kind: 'schema',
    stream: 'days',
    schema: days,
    keys: ['user_id', 'date'],
    cursorField: 'date',
  };
  const rows = (path: string) =>
    query(kind, path, 'SELECT user_id, date, acus FROM days ORDER BY user_id, date');
  /** Writes the events into the database at `path`, then closes it. */
  async function written(path: string, events: readonly TapEvent[]) {
    const target = await openTarget(kind, path);
    try {
      return await writeEvents(from(events), { target });
    } finally {
      await target.close();
    }
  }

  it('a scope covered by a state replaces its rows (of its member, inside its window) and nothing else', async () => {
    const path = dbPath(dir, kind);
    const first = [opening, day('u1', 10), day('u1', 20), day('u1', 30), day('u2', 20), state('days', 30, 4)];
    await written(path, first);
    // u1's days 20 and 30 are read again: 20 is no longer listed, 30 changed; 10 and u2 are outside.
    const again = [opening, reread('u1', 15, 40), day('u1', 30, 5), state('days', 30, 1)];
    const stats = await written(path, again);
    expect(stats.days).toMatchObject({ records: 1, inserted: 0, updated: 1 });
    expect(await rows(path)).toEqual([
      { user_id: 'u1', date: 10, acus: 1 },
      { user_id: 'u1', date: 30, acus: 5 },
      { user_id: 'u2', date: 20, acus: 1 },
    ]);
  });

  it('a scope no state covers clears nothing: the stream failed before its state', async () => {
    const path = dbPath(dir, kind);
    await written(path, [opening, day('u1', 20), day('u1', 30), state('days', 30, 2)]);
    const failed: TapEvent[] = [
      opening,
      reread('u1', 15, 40),
      day('u1', 30, 5),
      { kind: 'stream_error', stream: 'days', message: 'the API failed', failure: 'transient_error' },
      { kind: 'status', stream: 'days', status: 'incomplete' },
    ];
    await written(path, failed);
    expect(await rows(path)).toEqual([
      { user_id: 'u1', date: 20, acus: 1 },
      { user_id: 'u1', date: 30, acus: 1 },
    ]);
  });
});
