/**
 * The pure conversions at the edge: epoch seconds (the tap's events) to ISO 8601 instants (what
 * destinations receive) and back (what `devin-tap load` stores), and a Singer target fed either
 * form storing the same rows as `sync` does.
 */
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runLoad } from '../src/load/run-load.js';
import { encodeAirbyte, encodeAirbyteLine } from '../src/protocol/airbyte.js';
import { encodeSinger } from '../src/protocol/singer.js';
import { inputRecord, inputSchema, outputRecord, outputSchema } from '../src/protocol/timestamps.js';
import { streamSchema } from '../src/tap/catalog.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAMS } from '../src/tap/streams/index.js';
import { epochSecondsFromIso, isoFromEpochSeconds } from '../src/tap/timestamps.js';
import { openTarget } from '../src/targets/open-target.js';
import type { TargetKind } from '../src/targets/target.js';
import { tableColumns } from './helpers/database-rows.js';
import { dbPath, KINDS, query, tempDir } from './targets-helpers.js';

describe('instants both ways', () => {
  it.each([
    [1_767_600_000, '2026-01-05T08:00:00Z'],
    [0, '1970-01-01T00:00:00Z'],
    [-86_400, '1969-12-31T00:00:00Z'],
    [253_402_300_799, '9999-12-31T23:59:59Z'],
  ])('%d <-> %s', (seconds, iso) => {
    expect(isoFromEpochSeconds(seconds)).toBe(iso);
    expect(epochSecondsFromIso(iso)).toBe(seconds);
  });

  it('writes seconds of years 1 to 9999 as Date does (both ends of each day 1900-2200 and of the range, seeded random seconds)', () => {
    const asDate = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    const first = -62_135_596_800;
    const last = 253_402_300_799;
    const wrong: number[] = [];
    const check = (seconds: number) => {
      if (isoFromEpochSeconds(seconds) !== asDate(seconds)) wrong.push(seconds);
    };
    const days = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
    for (const day of [
      ...days(-25_567, 109_573),
      ...days(first / 86_400, 800),
      ...days(Math.floor(last / 86_400) - 799, 800),
    ]) {
      check(day * 86_400);
      check(day * 86_400 + 86_399);
    }
    let seed = 7;
    for (let i = 0; i < 50_000; i += 1) {
      seed = (seed * 48_271) % 2_147_483_647;
      check(first + Math.floor((seed / 2_147_483_647) * (last - first)));
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('leaves what is no instant as it is: nothing invented, nothing dropped', () => {
    for (const value of [null, 1.5, 253_402_300_800, 2 ** 53, 'soon', true])
      expect(isoFromEpochSeconds(value)).toBe(value);
    for (const value of [
      '2026-02-30T00:00:00Z', // no such day
      '2026-01-05T08:00:00.250Z', // a fraction of a second: epoch seconds cannot hold it
      '2026-01-05', // a date, not an instant
      '2026-01-05T08:00:00', // no offset
      '1767600000',
      null,
      17,
    ])
      expect(epochSecondsFromIso(value)).toBe(value);
    expect(epochSecondsFromIso('2026-01-05T09:00:00+01:00')).toBe(1_767_600_000);
    expect(epochSecondsFromIso('2026-01-05T08:00:00.000Z')).toBe(1_767_600_000);
  });

  it('round-trips every catalog schema and keeps non-time fields', () => {
    for (const { name } of STREAMS) {
      const schema = streamSchema(name);
      expect(inputSchema(outputSchema(schema)), name).toEqual(schema);
    }
    const fields = ['created_at', 'updated_at'];
    const record = { session_id: 'devin-1', created_at: 1_767_600_000, updated_at: null, acus: 2 };
    const out = outputRecord(record, fields);
    expect(out).toEqual({
      session_id: 'devin-1',
      created_at: '2026-01-05T08:00:00Z',
      updated_at: null,
      acus: 2,
    });
    expect(inputRecord(out, fields)).toEqual(record);
  });

  it('Airbyte line and message agree; Singer RECORD after its SCHEMA converts the same', () => {
    const schema = streamSchema('consumption_daily');
    const event: TapEvent = {
      kind: 'record',
      stream: 'consumption_daily',
      data: { date: 1_767_600_000, acus: 3 },
      emittedAt: 5,
    };
    const timeFields = (stream: string) => (stream === 'consumption_daily' ? ['date'] : []);
    const line = encodeAirbyteLine(event, 0, timeFields);
    expect(line).toBe(JSON.stringify(encodeAirbyte(event, 0, timeFields)));
    expect(JSON.parse(line ?? '{}').record.data.date).toBe('2026-01-05T08:00:00Z');
    const singer = encodeSinger(event, {
      bookmarks: {},
      deselected: new Map(),
      schemas: new Map([['consumption_daily', schema]]),
    });
    expect((singer?.record as JsonObject | undefined)?.date).toBe('2026-01-05T08:00:00Z');
  });
});

const dir = tempDir();
const lines = (...messages: readonly unknown[]) => `${messages.map((m) => JSON.stringify(m)).join('\n')}\n`;

async function load(kind: TargetKind, name: string, input: string): Promise<string> {
  const path = dbPath(dir, kind).replace(/(\.\w+)$/, `-${name}$1`);
  const target = await openTarget(kind, path);
  const output = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await runLoad({ target, input: Readable.from([input]), output, log: () => undefined });
  } finally {
    await target.close();
  }
  return path;
}

describe.each(KINDS)('devin-tap load into %s', (kind) => {
  it('stores ISO instants (this tap) and epoch seconds (earlier taps) alike, as sync does', async () => {
    const schema = streamSchema('consumption_daily');
    const days = [1_767_600_000, 1_767_686_400];
    const record = (date: number | string, acus: number) => ({
      type: 'RECORD',
      stream: 'consumption_daily',
      record: { date, acus },
    });
    const message = (s: JsonObject) => ({
      type: 'SCHEMA',
      stream: 'consumption_daily',
      schema: s,
      key_properties: ['date'],
    });
    const iso = await load(
      kind,
      'iso',
      lines(message(outputSchema(schema)), ...days.map((d, i) => record(String(isoFromEpochSeconds(d)), i))),
    );
    const epoch = await load(kind, 'epoch', lines(message(schema), ...days.map((d, i) => record(d, i))));
    const read = async (path: string) => {
      const seconds = kind === 'duckdb' ? 'CAST(epoch(date) AS BIGINT)' : 'date';
      return query(
        kind,
        path,
        `SELECT ${seconds} AS date, acus, _extra FROM consumption_daily ORDER BY date`,
      );
    };
    const expected = days.map((date, acus) => ({ date, acus, _extra: null }));
    expect(await read(iso)).toEqual(expected);
    expect(await read(epoch)).toEqual(expected);
    const type = (await tableColumns(kind, iso, 'consumption_daily')).find((c) => c.name === 'date')?.type;
    expect(type).toBe(kind === 'duckdb' ? 'TIMESTAMP WITH TIME ZONE' : 'INTEGER');
  });
});
