import { describe, expect, it } from 'vitest';
import { encodeAirbyte } from '../src/protocol/airbyte.js';
import { singerLogLine } from '../src/protocol/singer.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { writeEvents } from '../src/targets/event-writer.js';
import { openTarget } from '../src/targets/open-target.js';
import { airbyteMessageErrors } from './helpers/airbyte-protocol.js';
import { CLI, runCli } from './helpers/run-cli.js';
import { dbPath, KINDS, query, tempDir } from './targets-helpers.js';

const dir = tempDir();
const schema: JsonObject = { type: 'object', properties: { id: { type: 'string' }, v: { type: 'integer' } } };
const AT = 1_700_000_000_000;

const rejectedAt = (kind: string) => (kind === 'duckdb' ? 'epoch_ms(rejected_at)' : 'rejected_at');

async function* from(events: readonly TapEvent[]): AsyncGenerator<TapEvent> {
  yield* events;
}

function events(stream: string): TapEvent[] {
  return [
    { kind: 'schema', stream, schema, keys: ['id'], cursorField: null },
    { kind: 'record', stream, data: { id: 'a', v: 1 }, emittedAt: AT },
    {
      kind: 'rejected',
      stream,
      reason: 'no valid primary key: id is missing',
      data: { v: 2, note: 'héllo' },
      emittedAt: AT + 1,
    },
    { kind: 'record', stream, data: { id: 'b', v: 3 }, emittedAt: AT },
    { kind: 'state', stream, state: { cursor: 3 }, recordCount: 2, rejectedCount: 1 },
    { kind: 'status', stream, status: 'complete' },
  ];
}

describe.each(KINDS)('rejected records in %s', (kind) => {
  it('are kept in _devin_tap_rejected with the rows around them; a rerun does not keep them twice', async () => {
    const path = dbPath(dir, kind);
    for (let run = 0; run < 2; run += 1) {
      const target = await openTarget(kind, path);
      try {
        const stats = await writeEvents(from(events('things')), { target });
        expect(stats.things?.error).toBeNull();
      } finally {
        await target.close();
      }
    }
    expect(await query(kind, path, 'SELECT id, v FROM things ORDER BY id')).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 3 },
    ]);
    const rejected = await query(
      kind,
      path,
      `SELECT stream, reason, CAST(record AS VARCHAR) AS record, ${rejectedAt(kind)} AS at FROM _devin_tap_rejected`,
    );
    expect(rejected).toEqual([
      {
        stream: 'things',
        reason: 'no valid primary key: id is missing',
        record: '{"v":2,"note":"héllo"}',
        at: AT + 1,
      },
    ]);
  });

  it('devin-tap load rejects RECORDs without a valid key itself, warns and exits 0', async () => {
    const path = dbPath(dir, kind);
    const badKeys: [unknown, string][] = [
      [undefined, 'is missing'],
      [null, 'is null'],
      ['', 'is an empty string'],
      [{ nested: 1 }, 'is an object'],
      [[1], 'is an array'],
    ];
    const lines = [
      { type: 'SCHEMA', stream: 'things', key_properties: ['id'], schema },
      { type: 'RECORD', stream: 'things', record: { id: 'ok', v: 0 } },
      ...badKeys.map(([id], v) => ({ type: 'RECORD', stream: 'things', record: { id, v: v + 1 } })),
      { type: 'RECORD', stream: 'things', record: { id: 'ok2', v: 9 } },
      { type: 'STATE', value: { bookmarks: { things: 9 } } },
    ].map((message) => JSON.stringify(message));
    const result = await runCli(CLI, ['load', '--target', kind, '--database', path], {
      input: `${lines.join('\n')}\n`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'warning: things: line 3: record rejected (no valid primary key: id is missing); kept in _devin_tap_rejected',
    );
    expect(result.stderr).toContain('things: 7 records, 2 inserted, 0 updated, 0 unchanged, 5 rejected');
    expect(await query(kind, path, 'SELECT id FROM things ORDER BY id')).toEqual([
      { id: 'ok' },
      { id: 'ok2' },
    ]);
    const rows = await query(
      kind,
      path,
      'SELECT reason, CAST(record AS VARCHAR) AS record FROM _devin_tap_rejected ORDER BY reason',
    );
    expect(rows).toEqual(
      badKeys
        .map(([id, problem], v) => ({
          reason: `no valid primary key: id ${problem}`,
          record: JSON.stringify({ id, v: v + 1 }),
        }))
        .sort((a, b) => a.reason.localeCompare(b.reason)),
    );
  });
});

describe('rejected records in the protocols', () => {
  const rejected: TapEvent = {
    kind: 'rejected',
    stream: 'sessions',
    reason: 'no valid primary key: session_id is missing',
    data: { title: 't' },
    emittedAt: AT,
  };

  it('Airbyte: a LOG warning and sourceStats.rejectedRecordCount on the state, valid messages', () => {
    const log = encodeAirbyte(rejected, AT);
    expect(log).toEqual({
      type: 'LOG',
      log: {
        level: 'WARN',
        message: 'sessions: record rejected (no valid primary key: session_id is missing); it is not emitted',
      },
    });
    const state = encodeAirbyte(
      { kind: 'state', stream: 'sessions', state: { cursor: 1 }, recordCount: 4, rejectedCount: 1 },
      AT,
    );
    expect(state?.state).toMatchObject({ sourceStats: { recordCount: 4, rejectedRecordCount: 1 } });
    for (const message of [log, state]) expect(airbyteMessageErrors(message)).toBeNull();
  });

  it('Singer: a warning on stderr, no message on stdout', () => {
    expect(singerLogLine(rejected)).toBe(
      'WARNING sessions: record rejected (no valid primary key: session_id is missing); it is not emitted',
    );
  });
});
