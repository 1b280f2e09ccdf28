import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { findStream, STREAM_NAMES, STREAMS } from '../src/tap/streams/index.js';
import { asTapRecord } from './helpers/destination-records.js';
import { expectedRecords, expectOnlyTrailingWindow, PRIMARY_KEY } from './helpers/ground-truth.js';
import { jsonLines, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';

type Message = JsonObject & { type: string; stream?: string };
type Entry = JsonObject & {
  tap_stream_id: string;
  key_properties: string[];
  metadata: { breadcrumb: string[]; metadata: JsonObject }[];
};

let sim: Simulator;
let dir: string;
let configPath: string;

beforeAll(async () => {
  sim = await startSimulator({ sessions: 30, messagesPerSession: 3, seed: 11, users: 5 });
  dir = tempDir('tap-devin-test-');
  configPath = writeJson(dir, 'config.json', { ...sim.config(), page_size: 20 });
});
afterAll(() => sim.close());

async function tap(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runCli(SINGER_CLI, args, { env });
  expect(result.stdout + result.stderr).not.toContain(sim.token);
  return result;
}

async function read(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = await tap(args, env);
  return { ...result, messages: jsonLines(result.stdout) as Message[] };
}

async function discover(): Promise<Entry[]> {
  const result = await tap(['--config', configPath, '--discover']);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { streams: Entry[] }).streams;
}

function select(entries: Entry[], streams: Record<string, readonly string[]>): string {
  for (const entry of entries) {
    const fields = streams[entry.tap_stream_id];
    for (const item of entry.metadata) {
      const [kind, field] = item.breadcrumb;
      if (kind === undefined) item.metadata.selected = fields !== undefined;
      else if (field !== undefined && fields?.includes(field)) item.metadata.selected = false;
    }
  }
  return writeJson(dir, `catalog-${Math.random().toString(36).slice(2)}.json`, { streams: entries });
}

function records(messages: readonly Message[], stream: string): JsonObject[] {
  return messages
    .filter((m) => m.type === 'RECORD' && m.stream === stream)
    .map((m) => asTapRecord(stream, m.record as JsonObject));
}

function omit(row: JsonObject, fields: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !fields.includes(key)));
}

/** SCHEMA before the first RECORD of its stream; every RECORD valid against its stream's latest SCHEMA. */
function checkProtocol(messages: readonly Message[]): Map<string, Message> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const schemas = new Map<string, Message>();
  const validators = new Map<string, ReturnType<Ajv['compile']>>();
  for (const message of messages) {
    expect(['SCHEMA', 'RECORD', 'STATE']).toContain(message.type);
    if (message.type === 'SCHEMA') {
      schemas.set(String(message.stream), message);
      validators.set(String(message.stream), ajv.compile(message.schema as JsonObject));
    } else if (message.type === 'RECORD') {
      const validate = validators.get(String(message.stream));
      expect(validate, `SCHEMA before RECORD of ${message.stream}`).toBeDefined();
      expect(validate?.(message.record) ? null : validate?.errors, String(message.stream)).toBeNull();
      expect(Number.isNaN(Date.parse(String(message.time_extracted)))).toBe(false);
    }
  }
  return schemas;
}

describe('tap-devin --about', () => {
  it('prints JSON and markdown', async () => {
    const json = await tap(['--about']);
    expect(json.code).toBe(0);
    const about = JSON.parse(json.stdout) as JsonObject & {
      settings: { properties: Record<string, JsonObject> };
    };
    expect(about.name).toBe('tap-devin');
    expect(about.capabilities).toEqual(['catalog', 'discover', 'state', 'about']);
    expect(about.settings.properties.api_token).toMatchObject({ secret: true });
    expect(about.settings.properties.page_size).toMatchObject({ type: 'integer', default: 200 });
    const markdown = await tap(['--about', '--format', 'markdown']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('## Settings');
    expect(markdown.stdout).toContain('| `api_token` | string | yes | yes |');
  });
});

describe('tap-devin --discover', () => {
  it('prints a Singer catalog with keys, replication keys and metadata breadcrumbs', async () => {
    const entries = await discover();
    expect(entries.map((e) => e.tap_stream_id)).toEqual(STREAM_NAMES);
    const messages = entries.find((e) => e.tap_stream_id === 'session_messages');
    expect(messages?.key_properties).toEqual(['session_id', 'event_id']);
    expect(messages?.metadata[0]).toEqual({
      breadcrumb: [],
      metadata: {
        inclusion: 'available',
        'selected-by-default': false,
        'table-key-properties': ['session_id', 'event_id'],
        'valid-replication-keys': ['created_at'],
      },
    });
    expect(messages?.metadata.slice(1)).toEqual([
      { breadcrumb: ['properties', 'session_id'], metadata: { inclusion: 'automatic' } },
      { breadcrumb: ['properties', 'event_id'], metadata: { inclusion: 'automatic' } },
      { breadcrumb: ['properties', 'source'], metadata: { inclusion: 'available' } },
      { breadcrumb: ['properties', 'message'], metadata: { inclusion: 'available' } },
      { breadcrumb: ['properties', 'created_at'], metadata: { inclusion: 'automatic' } },
    ]);
    for (const entry of entries)
      expect(entry.replication_method, String(entry.stream)).toBe(
        findStream(String(entry.stream))?.cursorField === null ? 'FULL_TABLE' : 'INCREMENTAL',
      );
  });
});

describe('tap-devin sync', () => {
  it('reads only the selected streams and fields, SCHEMA first, keys as in the catalog', async () => {
    const entries = await discover();
    const deselected = {
      sessions: ['title', 'tags', 'session_id'],
      playbooks: ['body'],
      session_messages: ['message'],
    };
    const catalog = select(entries, deselected);
    const result = await read(['--config', configPath, '--catalog', catalog]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('sessions.session_id is an automatic field');
    const schemas = checkProtocol(result.messages);
    expect([...schemas.keys()].sort()).toEqual(['playbooks', 'session_messages', 'sessions']);
    const streamsSeen = new Set(result.messages.filter((m) => m.type === 'RECORD').map((m) => m.stream));
    expect([...streamsSeen].sort()).toEqual(['playbooks', 'session_messages', 'sessions']);

    const expected = expectedRecords(sim);
    for (const [stream, fields] of Object.entries(deselected)) {
      const entry = entries.find((e) => e.tap_stream_id === stream);
      const schema = schemas.get(stream);
      expect(schema?.key_properties).toEqual(entry?.key_properties);
      const dropped = fields.filter((f) => f !== 'session_id');
      const properties = Object.keys(
        (schema?.schema as { properties?: JsonObject } | undefined)?.properties ?? {},
      );
      for (const field of dropped) expect(properties).not.toContain(field);
      const keyOf = PRIMARY_KEY[stream] as (row: JsonObject) => string;
      const want = expected[stream] as Map<string, JsonObject>;
      const rows = records(result.messages, stream);
      expect(rows.length, stream).toBe(want.size);
      for (const row of rows) expect(row).toEqual(omit(want.get(keyOf(row)) ?? {}, dropped));
    }
  });

  it('reads every stream exactly, ends with a STATE that a second run accepts', async () => {
    const entries = await discover();
    const catalog = select(entries, Object.fromEntries(STREAM_NAMES.map((name) => [name, []])));
    const result = await read(['--config', configPath, '--properties', catalog]);
    expect(result.code, result.stderr).toBe(0);
    checkProtocol(result.messages);
    const expected = expectedRecords(sim);
    for (const stream of STREAM_NAMES) {
      const keyOf = PRIMARY_KEY[stream] as (row: JsonObject) => string;
      const want = expected[stream] as Map<string, JsonObject>;
      const rows = records(result.messages, stream);
      expect(new Set(rows.map(keyOf)).size, `${stream}: duplicates`).toBe(rows.length);
      expect(rows.length, stream).toBe(want.size);
      for (const row of rows) expect(row, `${stream} ${keyOf(row)}`).toEqual(want.get(keyOf(row)));
      const metrics = result.stderr
        .split('\n')
        .flatMap((line) => /^\S+Z INFO +METRIC: (.*)$/.exec(line)?.[1] ?? [])
        .map((json) => JSON.parse(json) as { metric: string; value: number; tags: { endpoint: string } })
        .filter((metric) => metric.tags.endpoint === stream);
      const counted = metrics
        .filter((metric) => metric.metric === 'record_count')
        .reduce((sum, metric) => sum + metric.value, 0);
      expect(counted, `${stream} record_count metrics`).toBe(rows.length);
      const timers = metrics.filter((metric) => metric.metric === 'http_request_duration');
      expect(timers.length, `${stream} request timers`).toBeGreaterThan(0);
      for (const timer of timers) expect(timer.value).toBeGreaterThanOrEqual(0);
    }
    expect(JSON.stringify(records(result.messages, 'secrets'))).not.toContain('"value"');

    const last = result.messages.at(-1);
    expect(last?.type).toBe('STATE');
    const bookmarks = (last?.value as { bookmarks?: JsonObject } | undefined)?.bookmarks ?? {};
    expect(Object.keys(bookmarks).sort()).toEqual([...STREAM_NAMES].sort());
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, JSON.stringify(last?.value));
    sim.clearRequestLog();
    const second = await read(['--config', configPath, '--catalog', catalog, '--state', statePath]);
    expect(second.code, second.stderr).toBe(0);
    checkProtocol(second.messages);
    expect(second.messages.at(-1)?.type).toBe('STATE');
    // Nothing changed in the API: an incremental run reads no record with a cursor and no session's
    // messages; members again, and consumption's trailing window.
    const consumption = bookmarks.consumption_daily as { cursor: number };
    expectOnlyTrailingWindow(sim, (stream) => records(second.messages, stream), consumption.cursor);
    expect(sim.requestLog.filter((entry) => entry.path.endsWith('/messages'))).toEqual([]);

    // FULL_TABLE in the catalog is honoured: that stream is read in full despite its bookmark.
    const fullTable = entries.map((entry) => structuredClone(entry));
    const playbooks = fullTable.find((entry) => entry.tap_stream_id === 'playbooks');
    if (playbooks === undefined) throw new Error('no playbooks entry');
    playbooks.replication_method = 'FULL_TABLE';
    const fullCatalog = writeJson(dir, 'catalog-full.json', { streams: fullTable });
    const third = await read(['--config', configPath, '--catalog', fullCatalog, '--state', statePath]);
    expect(third.code, third.stderr).toBe(0);
    const streams = new Set(third.messages.filter((m) => m.type === 'RECORD').map((m) => m.stream));
    // Lists without timestamps are FULL_TABLE anyway; windowed streams re-read their trailing days.
    const whole = STREAMS.filter(
      (def) => !def.parent && (def.cursorField === null || def.paging?.kind === 'window'),
    );
    expect([...streams].sort()).toEqual(
      [...whole.map((def) => def.name), 'consumption_by_user', 'playbooks'].sort(),
    );
    expect(records(third.messages, 'playbooks').length).toBe(expected.playbooks?.size);
  });

  it('merges several --config files (later wins) and falls back to the environment', async () => {
    const { api_token, ...rest } = sim.config();
    const first = writeJson(dir, 'c1.json', {
      ...rest,
      api_token: 'cog_wrongwrongwrong',
      org_id: 'org-nobody',
    });
    const second = writeJson(dir, 'c2.json', { api_token, org_id: sim.orgId });
    const merged = await read(['--config', first, '--config', second]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(records(merged.messages, 'playbooks').length).toBe([...sim.playbooks()].length);
    expect(records(merged.messages, 'session_messages')).toEqual([]);

    const noToken = writeJson(dir, 'c3.json', rest);
    const fromEnv = await read(['--config', noToken], { DEVIN_API_TOKEN: api_token });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(records(fromEnv.messages, 'knowledge_notes').length).toBe([...sim.knowledgeNotes()].length);
  });

  it('goes on when one stream is forbidden, names the permission and exits non-zero', async () => {
    const token = sim.restrictedToken(['ViewOrgSessions', 'ManageOrgPlaybooks', 'ManageOrgKnowledge']);
    const config = writeJson(dir, 'restricted.json', { ...sim.config(), api_token: token });
    const result = await read(['--config', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ManageOrgSecrets');
    expect(result.stderr).toMatch(/stream\(s\) failed: secrets/);
    expect(records(result.messages, 'playbooks').length).toBe([...sim.playbooks()].length);
    expect(result.stdout + result.stderr).not.toContain(token);
  });
});

describe('tap-devin errors', () => {
  const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /);

  it('names what is wrong in a bad catalog', async () => {
    const unknown = writeJson(dir, 'bad-catalog.json', {
      streams: [{ tap_stream_id: 'sesions', metadata: [] }],
    });
    const result = await tap(['--config', configPath, '--catalog', unknown]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${unknown}: streams[0].tap_stream_id: unknown stream "sesions"; valid: sessions,`,
    );
    noStack(result.stderr);
    const both = await tap(['--config', configPath, '--catalog', unknown, '--properties', unknown]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('not both');
  });

  it('names what is wrong in a bad state', async () => {
    const notJson = join(dir, 'broken-state.json');
    writeFileSync(notJson, '{"bookmarks": ');
    const broken = await tap(['--config', configPath, '--state', notJson]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`state file ${notJson}: not valid JSON`);
    const airbyteShaped = writeJson(dir, 'airbyte-state.json', [{ type: 'STREAM' }]);
    const wrong = await tap(['--config', configPath, '--state', airbyteShaped]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`${airbyteShaped}: expected a Singer state object`);
    const foreign = writeJson(dir, 'foreign-state.json', {
      bookmarks: { sessions: { replication_key_value: 5 } },
    });
    const inner = await tap(['--config', configPath, '--state', foreign]);
    expect(inner.code).toBe(1);
    expect(inner.stdout).toBe('');
    expect(inner.stderr).toContain('"sessions"');
    noStack(broken.stderr + wrong.stderr + inner.stderr);
  });

  it('refuses "bookmarks": null and a garbage state of a stream it does not read, before reading', async () => {
    const nulled = writeJson(dir, 'null-bookmarks.json', { bookmarks: null });
    const none = await tap(['--config', configPath, '--state', nulled]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain(`${nulled}: bookmarks: expected an object keyed by stream`);
    // Only playbooks is selected: the garbage under sessions would be copied into every STATE.
    const catalog = select(await discover(), { playbooks: [] });
    const garbage = writeJson(dir, 'garbage-unselected.json', { bookmarks: { sessions: { junk: [1, 2] } } });
    const copied = await tap(['--config', configPath, '--catalog', catalog, '--state', garbage]);
    expect(copied.code).toBe(1);
    expect(copied.stdout).toBe('');
    expect(copied.stderr).toContain('Invalid state for stream "sessions": no "version" field');
    noStack(none.stderr + copied.stderr);
  });

  it('names what is wrong in a bad config, and never prints the token', async () => {
    const missing = await tap(['--config', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json');
    const leaky = join(dir, 'leaky.json');
    writeFileSync(leaky, `{"api_token": "${sim.token}", "org_id": ${sim.orgId}}`);
    const broken = await tap(['--config', leaky, '--discover']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('leaky.json');
    const { api_token: _, ...noToken } = sim.config();
    const incomplete = await tap(['--config', writeJson(dir, 'no-token.json', noToken)]);
    expect(incomplete.code).toBe(1);
    expect(incomplete.stderr).toContain('api_token');
    noStack(missing.stderr + broken.stderr + incomplete.stderr);
  });
});
