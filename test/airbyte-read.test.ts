import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { airbyteMessageErrors } from './helpers/airbyte-protocol.js';
import { expectedRecords, PRIMARY_KEY } from './helpers/ground-truth.js';
import { CLI, jsonLines, runCli, tempDir, writeJson } from './helpers/run-cli.js';

type Message = JsonObject & { type: string };

function configuredCatalog(streams: readonly string[], syncMode = 'full_refresh') {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: syncMode,
      destination_sync_mode: 'overwrite',
    })),
  };
}

function recordsByStream(messages: readonly Message[]): Record<string, JsonObject[]> {
  const grouped: Record<string, JsonObject[]> = {};
  for (const message of messages) {
    if (message.type !== 'RECORD') continue;
    const record = message.record as { stream: string; data: JsonObject };
    const rows = grouped[record.stream] ?? [];
    rows.push(record.data);
    grouped[record.stream] = rows;
  }
  return grouped;
}

function statusesOf(messages: readonly Message[], stream: string): string[] {
  return messages
    .filter((m) => m.type === 'TRACE' && (m.trace as JsonObject).type === 'STREAM_STATUS')
    .map(
      (m) =>
        (m.trace as { stream_status: { stream_descriptor: { name: string }; status: string } }).stream_status,
    )
    .filter((status) => status.stream_descriptor.name === stream)
    .map((status) => status.status);
}

async function read(sim: Simulator, streams: readonly string[], token = sim.token) {
  const dir = tempDir();
  const config = writeJson(dir, 'config.json', { ...sim.config(), api_token: token, page_size: 50 });
  const catalog = writeJson(dir, 'catalog.json', configuredCatalog(streams));
  const result = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
  return { ...result, messages: jsonLines(result.stdout) as Message[] };
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
    for (const message of result.messages) expect(airbyteMessageErrors(message)).toBeNull();

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
    const states = result.messages.filter((m) => m.type === 'STATE');
    const counted: Record<string, number> = {};
    for (const message of states) {
      const state = message.state as {
        type: string;
        stream: { stream_descriptor: { name: string } };
        sourceStats: { recordCount: number };
      };
      expect(state.type).toBe('STREAM');
      const name = state.stream.stream_descriptor.name;
      counted[name] = (counted[name] ?? 0) + state.sourceStats.recordCount;
    }
    const records = recordsByStream(result.messages);
    expect(counted.playbooks).toBe(records.playbooks?.length);
    expect(counted.sessions).toBe(records.sessions?.length);
    const lastIndex = (type: string, stream: string) =>
      result.messages.findLastIndex((m) => JSON.stringify(m).includes(`"${stream}"`) && m.type === type);
    expect(lastIndex('STATE', 'playbooks')).toBeGreaterThan(lastIndex('RECORD', 'playbooks'));
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
    for (const message of result.messages) expect(airbyteMessageErrors(message)).toBeNull();
    const errors = result.messages.filter(
      (m) => m.type === 'TRACE' && (m.trace as JsonObject).type === 'ERROR',
    );
    expect(errors).toHaveLength(1);
    const error = (
      errors[0] as unknown as {
        trace: { error: { message: string; failure_type: string; stream_descriptor: { name: string } } };
      }
    ).trace.error;
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
      const catalog = writeJson(dir, 'catalog.json', configuredCatalog(STREAM_NAMES));
      const result = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
      expect(result.code, result.stderr).toBe(0);
      const faults = sim.requestLog.filter(
        (entry) => entry.status >= 500 || entry.status === 429 || entry.status === 0,
      );
      expect(faults.length).toBeGreaterThan(0);
      const actual = recordsByStream(jsonLines(result.stdout) as Message[]);
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
