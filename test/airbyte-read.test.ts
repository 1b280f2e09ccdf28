import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { type AirbyteMessage, airbyteMessages, configuredCatalog } from './helpers/airbyte-protocol.js';
import { asTapRecord } from './helpers/destination-records.js';
import { expectedRecords, PRIMARY_KEY } from './helpers/ground-truth.js';
import { CLI, runCli, tempDir, writeJson } from './helpers/run-cli.js';

const FULL_REFRESH = { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' };

function recordsByStream(messages: readonly AirbyteMessage[]): Record<string, JsonObject[]> {
  const grouped: Record<string, JsonObject[]> = {};
  for (const message of messages) {
    if (message.record === undefined) continue;
    const rows = grouped[message.record.stream] ?? [];
    rows.push(asTapRecord(message.record.stream, message.record.data));
    grouped[message.record.stream] = rows;
  }
  return grouped;
}

function statusesOf(messages: readonly AirbyteMessage[], stream: string): string[] {
  return messages
    .flatMap((m) => (m.trace?.stream_status ? [m.trace.stream_status] : []))
    .filter((status) => status.stream_descriptor.name === stream)
    .map((status) => status.status);
}

async function read(sim: Simulator, streams: readonly string[], token = sim.token) {
  const dir = tempDir();
  const config = writeJson(dir, 'config.json', { ...sim.config(), api_token: token, page_size: 50 });
  const catalog = writeJson(dir, 'catalog.json', configuredCatalog(streams, FULL_REFRESH));
  const result = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
  return { ...result, messages: airbyteMessages(result.stdout) };
}

describe('devin-tap read (Airbyte) against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 40, messagesPerSession: 4, seed: 7, users: 6 });
  });
  afterAll(() => sim.close());

  it('reads every stream exactly, with valid messages, ordered statuses and no token', async () => {
    const result = await read(sim, STREAM_NAMES);
    expect(result.code, result.stderr).toBe(0);

    const expected = expectedRecords(sim);
    const actual = recordsByStream(result.messages);
    for (const stream of STREAM_NAMES) {
      const rows = actual[stream] ?? [];
      const keyOf = PRIMARY_KEY[stream] as (row: JsonObject) => string;
      const keys = rows.map(keyOf);
      expect(new Set(keys).size, `${stream}: duplicates`).toBe(keys.length);
      const want = expected[stream] as Map<string, JsonObject>;
      expect(keys.length, stream).toBe(want.size);
      for (const row of rows) expect(row, `${stream} ${keyOf(row)}`).toEqual(want.get(keyOf(row)));
      expect(statusesOf(result.messages, stream)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    }
    const perSession = new Map<string, number>();
    for (const row of actual.session_messages ?? []) {
      perSession.set(String(row.session_id), (perSession.get(String(row.session_id)) ?? 0) + 1);
    }
    expect(Math.max(...perSession.values())).toBeGreaterThanOrEqual(500);
    expect(JSON.stringify(actual.secrets)).not.toContain('"value"');
    expect(result.stdout + result.stderr).not.toContain(sim.token);
  });

  it('follows cursors holding +, / and = and reads every page of messages', async () => {
    sim.clearRequestLog();
    const result = await read(sim, ['session_messages']);
    expect(result.code, result.stderr).toBe(0);
    const afters = sim.requestLog.flatMap((entry) => entry.query.after ?? []);
    expect(afters.some((cursor) => /[+/=]/.test(cursor))).toBe(true);
    const messagePages = sim.requestLog.filter(
      (entry) => entry.path.endsWith('/messages') && entry.query.after,
    );
    expect(messagePages.length).toBeGreaterThanOrEqual(10);
  });

  it('emits per-stream STATE with record counts at each stream end', async () => {
    const result = await read(sim, ['playbooks', 'sessions']);
    expect(result.code, result.stderr).toBe(0);
    const counted = new Map<string, number>();
    for (const message of result.messages.filter((m) => m.type === 'STATE')) {
      const state = message.state as { type: string; sourceStats: { recordCount: number } };
      expect(state.type).toBe('STREAM');
      const name = String(message.state?.stream?.stream_descriptor.name);
      expect(Number.isInteger(state.sourceStats.recordCount), name).toBe(true);
      counted.set(name, (counted.get(name) ?? 0) + state.sourceStats.recordCount);
    }
    const records = recordsByStream(result.messages);
    expect(records.playbooks?.length).toBe([...sim.playbooks()].length);
    expect(records.sessions?.length).toBe(40);
    expect(Object.fromEntries(counted)).toEqual({ playbooks: records.playbooks?.length, sessions: 40 });
    const lastIndex = (type: string, stream: string) =>
      result.messages.findLastIndex(
        (m) => m.type === type && (m.record?.stream ?? m.state?.stream?.stream_descriptor.name) === stream,
      );
    for (const stream of ['playbooks', 'sessions']) {
      expect(lastIndex('RECORD', stream), stream).toBeGreaterThanOrEqual(0);
      expect(lastIndex('STATE', stream), stream).toBeGreaterThan(lastIndex('RECORD', stream));
    }
  });

  it('reads sessions once when session_messages is selected too', async () => {
    sim.clearRequestLog();
    const result = await read(sim, ['sessions', 'session_messages']);
    expect(result.code, result.stderr).toBe(0);
    const sessionListPages = sim.requestLog.filter((entry) => /\/sessions$/.test(entry.path));
    expect(sessionListPages.length).toBe(1); // 40 sessions, page size 50
  });

  it('reports a stream the key cannot read, completes the others and exits non-zero', async () => {
    const token = sim.restrictedToken(['ViewOrgSessions', 'ManageOrgSecrets', 'ManageOrgKnowledge']);
    const result = await read(sim, ['sessions', 'playbooks', 'secrets'], token);
    expect(result.code).not.toBe(0);
    const errors = result.messages.filter((m) => m.trace?.type === 'ERROR');
    expect(errors).toHaveLength(1);
    const error = errors[0]?.trace?.error as {
      message: string;
      failure_type: string;
      stream_descriptor: { name: string };
    };
    expect(error.failure_type).toBe('config_error');
    expect(error.stream_descriptor.name).toBe('playbooks');
    expect(error.message).toContain('ManageOrgPlaybooks');
    expect(statusesOf(result.messages, 'playbooks').at(-1)).toBe('INCOMPLETE');
    expect(statusesOf(result.messages, 'sessions').at(-1)).toBe('COMPLETE');
    expect(statusesOf(result.messages, 'secrets').at(-1)).toBe('COMPLETE');
    expect(result.stdout + result.stderr).not.toContain(token);
  });
});

describe('devin-tap read with faults and a rate limit', () => {
  it('still returns exactly the same records', async () => {
    const sim = await startSimulator({
      sessions: 15,
      messagesPerSession: 3,
      seed: 11,
      faultRate: 0.15,
      rateLimit: 200,
    });
    try {
      const dir = tempDir();
      const config = writeJson(dir, 'config.json', { ...sim.config(), page_size: 20, max_retries: 12 });
      const catalog = writeJson(dir, 'catalog.json', configuredCatalog(STREAM_NAMES, FULL_REFRESH));
      const result = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
      expect(result.code, result.stderr).toBe(0);
      const faults = sim.requestLog.filter(
        (entry) => entry.status >= 500 || entry.status === 429 || entry.status === 0,
      );
      expect(faults.length).toBeGreaterThan(0);
      const actual = recordsByStream(airbyteMessages(result.stdout));
      sim.setNetwork({ faultRate: 0, rateLimit: 0 });
      const expected = expectedRecords(sim);
      for (const stream of STREAM_NAMES) {
        const keyOf = PRIMARY_KEY[stream] as (row: JsonObject) => string;
        const rows = actual[stream] ?? [];
        expect(rows.length, stream).toBe(expected[stream]?.size);
        for (const row of rows) expect(row).toEqual(expected[stream]?.get(keyOf(row)));
      }
    } finally {
      await sim.close();
    }
  });
});
