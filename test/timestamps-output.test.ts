/**
 * What destinations receive: every time field the catalog marks is an ISO 8601 UTC instant
 * (`2026-01-05T08:00:00Z`) typed `format: date-time`, `airbyte_type: timestamp_with_timezone`, in
 * Airbyte and Singer output alike, while STATE bookmarks stay epoch seconds and an old epoch state
 * (or an ISO cursor) is still read. Instants are compared exactly with the simulator's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { streamSchema } from '../src/tap/catalog.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { airbyteMessages, configuredCatalog, recordData } from './helpers/airbyte-protocol.js';
import { ISO_SECOND, timeFields } from './helpers/destination-records.js';
import { consumptionWindow } from './helpers/ground-truth.js';
import { CLI, jsonLines, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';

const iso = (seconds: unknown): string =>
  new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');

let sim: Simulator;
let dir: string;
let config: string;

beforeAll(async () => {
  sim = await startSimulator({ sessions: 24, messagesPerSession: 1, seed: 21, users: 4 });
  dir = tempDir('timestamps-');
  config = writeJson(dir, 'config.json', { ...sim.config(), lookback_window_seconds: 0 });
});
afterAll(() => sim.close());

async function airbyteRead(streams: readonly string[], state?: unknown) {
  const catalog = writeJson(dir, `catalog-${Math.random()}.json`, configuredCatalog(streams));
  const args = ['read', '--config', config, '--catalog', catalog];
  if (state !== undefined) args.push('--state', writeJson(dir, `state-${Math.random()}.json`, state));
  const result = await runCli(CLI, args);
  expect(result.code, result.stderr).toBe(0);
  return airbyteMessages(result.stdout);
}

/** Each time field of one stream's schema as destinations see it. */
function expectDateTimes(stream: string, schema: JsonObject): void {
  const catalog = streamSchema(stream).properties as Record<string, JsonObject>;
  const properties = schema.properties as Record<string, JsonObject>;
  for (const field of timeFields(stream)) {
    const nullable = Array.isArray(catalog[field]?.type);
    expect(properties[field], `${stream}.${field}`).toEqual({
      ...(catalog[field]?.description === undefined ? {} : { description: catalog[field]?.description }),
      type: nullable ? ['string', 'null'] : 'string',
      format: 'date-time',
      airbyte_type: 'timestamp_with_timezone',
    });
  }
  expect(JSON.stringify(schema)).not.toContain('x-timestamp');
}

describe('schemas: every catalog time field is a date-time', () => {
  it('has time fields where the catalog has instants, keys among them', () => {
    expect(timeFields('consumption_daily')).toEqual(['date']);
    expect(timeFields('metrics_active_users')).toEqual(['start_time', 'end_time']);
    expect(timeFields('sessions')).toEqual(['created_at', 'updated_at']);
    expect(timeFields('users')).toEqual([]);
  });

  it('in Airbyte discover and Singer --discover', async () => {
    const discovered = airbyteMessages((await runCli(CLI, ['discover', '--config', config])).stdout);
    const streams = discovered[0]?.catalog?.streams ?? [];
    expect(streams.map((stream) => stream.name)).toEqual(STREAM_NAMES);
    for (const stream of streams) expectDateTimes(stream.name, stream.json_schema as JsonObject);
    // An integer that is no instant stays an integer.
    const insights = streams.find((stream) => stream.name === 'sessions_insights')?.json_schema as JsonObject;
    expect((insights.properties as Record<string, JsonObject>).num_user_messages?.type).toBe('integer');

    const singer = await runCli(SINGER_CLI, ['--config', config, '--discover']);
    expect(singer.code, singer.stderr).toBe(0);
    const entries = (JSON.parse(singer.stdout) as { streams: (JsonObject & { stream: string })[] }).streams;
    for (const entry of entries) expectDateTimes(entry.stream, entry.schema as JsonObject);
  });
});

describe('Airbyte read', () => {
  it('emits each instant exactly, as YYYY-MM-DDTHH:MM:SSZ', async () => {
    const messages = await airbyteRead(['sessions', 'consumption_daily', 'schedules', 'metrics_sessions']);
    const sessions = new Map([...sim.sessions()].map((s) => [String(s.session_id), s]));
    const records = recordData(messages, 'sessions');
    expect(records.length).toBe(sessions.size);
    for (const record of records) {
      const truth = sessions.get(String(record.session_id));
      expect(record.created_at).toBe(iso(truth?.created_at));
      expect(record.updated_at).toBe(iso(truth?.updated_at));
    }
    const days = (sim.consumptionDaily(consumptionWindow()).consumption_by_date as JsonObject[]).map((day) =>
      iso(day.date),
    );
    expect(recordData(messages, 'consumption_daily').map((row) => row.date)).toEqual(days);
    expect(days[0]).toMatch(/T08:00:00Z$/);
    // The API sends schedules' times as ISO 8601: the same instants, in one spelling.
    const schedules = new Map(sim.schedules().map((s) => [String(s.scheduled_session_id), s]));
    for (const record of recordData(messages, 'schedules')) {
      const truth = schedules.get(String(record.scheduled_session_id));
      for (const field of ['created_at', 'updated_at', 'last_executed_at']) {
        const sent = truth?.[field];
        if (sent === null || sent === undefined) expect(record[field] ?? null).toBeNull();
        else
          expect(Date.parse(String(record[field]))).toBe(Math.floor(Date.parse(String(sent)) / 1000) * 1000);
      }
    }
    for (const record of recordData(messages, 'metrics_sessions')) {
      expect(record.date).toMatch(ISO_SECOND);
      expect(record.date).toMatch(/T00:00:00Z$/);
    }
    // Bookmarks stay epoch seconds: the tap's own state, read back by the next run.
    const state = messages.findLast((m) => m.state?.stream?.stream_descriptor.name === 'sessions');
    expect(state?.state?.stream?.stream_state?.cursor).toBe(
      Math.max(...[...sessions.values()].map((s) => Number(s.updated_at))),
    );
  });

  it('reads on from a state of the earlier epoch-second format, and from the same bookmark as ISO', async () => {
    const updated = [...sim.sessions()].map((s) => Number(s.updated_at)).sort((a, b) => a - b);
    const cursor = updated[Math.floor(updated.length / 2)] as number;
    const epochState = { version: 1, stream: 'sessions', cursor, recent: {}, checkpoint: null };
    const expected = [...sim.sessions()]
      .filter((s) => Number(s.updated_at) >= cursor)
      .map((s) => String(s.session_id))
      .sort();
    expect(expected.length).toBeLessThan(updated.length);
    const states = [
      // The legacy object form and the per-stream messages an earlier devin-tap's reads were given.
      { sessions: epochState },
      [{ type: 'STREAM', stream: { stream_descriptor: { name: 'sessions' }, stream_state: epochState } }],
      { sessions: { ...epochState, cursor: iso(cursor) } },
    ];
    for (const state of states) {
      const records = recordData(await airbyteRead(['sessions'], state), 'sessions');
      expect(records.map((r) => String(r.session_id)).sort(), JSON.stringify(state)).toEqual(expected);
      for (const record of records) expect(record.updated_at).toMatch(ISO_SECOND);
      expect(records.every((r) => Date.parse(String(r.updated_at)) >= cursor * 1000)).toBe(true);
    }
  });
});

describe('Singer (tap-devin)', () => {
  it('SCHEMA date-times, RECORD instants exact, a --state of epoch bookmarks read on', async () => {
    const discovered = await runCli(SINGER_CLI, ['--config', config, '--discover']);
    const catalog = JSON.parse(discovered.stdout) as { streams: (JsonObject & { stream: string })[] };
    for (const entry of catalog.streams) {
      const root = (entry.metadata as { breadcrumb: string[]; metadata: JsonObject }[])[0];
      if (root) root.metadata.selected = entry.stream === 'sessions' || entry.stream === 'consumption_daily';
    }
    const catalogPath = writeJson(dir, 'singer-catalog.json', catalog);
    const updated = [...sim.sessions()].map((s) => Number(s.updated_at)).sort((a, b) => a - b);
    const cursor = updated[Math.floor(updated.length / 3)] as number;
    const state = writeJson(dir, 'singer-state.json', {
      bookmarks: { sessions: { version: 1, stream: 'sessions', cursor, recent: {}, checkpoint: null } },
    });
    const result = await runCli(SINGER_CLI, ['--config', config, '--catalog', catalogPath, '--state', state]);
    expect(result.code, result.stderr).toBe(0);
    const messages = jsonLines(result.stdout) as (JsonObject & { type: string; stream?: string })[];
    for (const message of messages.filter((m) => m.type === 'SCHEMA'))
      expectDateTimes(String(message.stream), message.schema as JsonObject);
    const sessions = new Map([...sim.sessions()].map((s) => [String(s.session_id), s]));
    const records = messages
      .filter((m) => m.type === 'RECORD' && m.stream === 'sessions')
      .map((m) => m.record as JsonObject);
    const expected = [...sessions.values()].filter((s) => Number(s.updated_at) >= cursor);
    expect(records.length).toBe(expected.length);
    for (const record of records) {
      const truth = sessions.get(String(record.session_id));
      expect(record.created_at).toBe(iso(truth?.created_at));
      expect(record.updated_at).toBe(iso(truth?.updated_at));
    }
    const days = messages.filter((m) => m.type === 'RECORD' && m.stream === 'consumption_daily');
    expect(days.length).toBeGreaterThan(0);
    for (const day of days) expect((day.record as JsonObject).date).toMatch(/^\d{4}-\d{2}-\d{2}T08:00:00Z$/);
    const last = messages.findLast((m) => m.type === 'STATE')?.value as {
      bookmarks: Record<string, JsonObject>;
    };
    expect(last.bookmarks.sessions?.cursor).toBe(updated.at(-1));
  });
});
