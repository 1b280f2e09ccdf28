import { describe, expect, it } from 'vitest';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { writeEvents } from '../src/targets/event-writer.js';
import { openTarget } from '../src/targets/open-target.js';
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
