import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { type AirbyteMessage, airbyteMessages, configuredCatalog } from './helpers/airbyte-protocol.js';
import { asTapRecord } from './helpers/destination-records.js';
import { expectOnlyTrailingWindow } from './helpers/ground-truth.js';
import { CLI, runCli, tempDir, writeJson } from './helpers/run-cli.js';

interface StateMessage {
  type: 'STREAM';
  stream: { stream_descriptor: { name: string }; stream_state: JsonObject };
}
interface Read {
  code: number | null;
  stderr: string;
  messages: AirbyteMessage[];
  records: { stream: string; data: JsonObject }[];
  states: StateMessage[];
}

function catalogOf(streams: readonly string[], syncMode: (name: string) => string = () => 'incremental') {
  return configuredCatalog(streams, {
    syncMode,
    destinationSyncMode: 'append_dedup',
    cursorField: (name) => [name === 'session_messages' ? 'created_at' : 'updated_at'],
  });
}

/** The state Airbyte would pass back: the last STATE of each stream. */
function finalState(states: readonly StateMessage[]): StateMessage[] {
  const last = new Map<string, StateMessage>();
  for (const state of states) last.set(state.stream.stream_descriptor.name, state);
  return [...last.values()];
}

describe('Airbyte incremental reads', () => {
  let sim: Simulator;
  let dir: string;
  let counter = 0;

  async function read(
    streams: readonly string[],
    options: { state?: unknown; pageSize?: number; mode?: (n: string) => string } = {},
  ): Promise<Read> {
    counter += 1;
    const config = writeJson(dir, `config-${counter}.json`, {
      ...sim.config(),
      page_size: options.pageSize ?? 50,
    });
    const catalog = writeJson(dir, `catalog-${counter}.json`, catalogOf(streams, options.mode));
    const args = ['read', '--config', config, '--catalog', catalog];
    if (options.state !== undefined)
      args.push('--state', writeJson(dir, `state-${counter}.json`, options.state));
    const result = await runCli(CLI, args);
    const messages = airbyteMessages(result.stdout);
    return {
      code: result.code,
      stderr: result.stderr,
      messages,
      records: messages
        .filter((m) => m.type === 'RECORD')
        .map((m) => ({ ...m.record, data: asTapRecord(String(m.record?.stream), m.record?.data ?? {}) }))
        .map((record) => record as unknown as Read['records'][number]),
      states: messages.filter((m) => m.type === 'STATE').map((m) => m.state as unknown as StateMessage),
    };
  }

  beforeAll(async () => {
    sim = await startSimulator({ sessions: 30, messagesPerSession: 3, seed: 5, users: 5 });
    dir = tempDir();
  });
  afterAll(() => sim.close());

  it('a second read given the first final state reads only members and the trailing consumption window, no messages', async () => {
    const first = await read(STREAM_NAMES);
    expect(first.code, first.stderr).toBe(0);
    expect(first.records.length).toBeGreaterThan(600);
    sim.clearRequestLog();
    const second = await read(STREAM_NAMES, { state: finalState(first.states) });
    expect(second.code, second.stderr).toBe(0);
    const consumption = finalState(first.states).find(
      (s) => s.stream.stream_descriptor.name === 'consumption_daily',
    );
    const rowsOf = (stream: string) => second.records.filter((r) => r.stream === stream).map((r) => r.data);
    expectOnlyTrailingWindow(sim, rowsOf, Number(consumption?.stream.stream_state.cursor));
    expect(sim.requestLog.filter((entry) => entry.path.endsWith('/messages'))).toEqual([]);
    const sessionsQuery = sim.requestLog.find((entry) => /\/sessions$/.test(entry.path))?.query;
    const bookmark = Math.max(
      ...first.records.filter((r) => r.stream === 'sessions').map((r) => Number(r.data.updated_at)),
    );
    expect(sessionsQuery?.updated_after).toEqual([String(bookmark - 3600)]);
  });

  it('a changed session re-emits only its new messages, not the ones an earlier read emitted (append mode)', async () => {
    const streams = ['sessions', 'session_messages'];
    const first = await read(streams);
    expect(first.code).toBe(0);
    const sessionIds = [...sim.sessions()].map((session) => String(session.session_id));
    const changed = sessionIds.find((id) => [...sim.messages(id)].length >= 2) ?? '';
    const before = [...sim.messages(changed)].length;
    sim.updateSession(changed, { newMessages: 2 });
    const second = await read(streams, { state: finalState(first.states) });
    expect(second.code).toBe(0);
    const messages = second.records.filter((record) => record.stream === 'session_messages');
    const expected = [...sim.messages(changed)].slice(before).map((message) => message.event_id);
    expect(messages.map((record) => record.data.event_id)).toEqual(expected);
    expect(messages.every((record) => record.data.session_id === changed)).toBe(true);
    // Both reads together hold every message exactly once.
    const all = [...first.records, ...second.records].filter((r) => r.stream === 'session_messages');
    const keys = all.map((record) => `${record.data.session_id}/${record.data.event_id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(sessionIds.reduce((sum, id) => sum + [...sim.messages(id)].length, 0));
  });

  it('a legacy {stream: state} object resumes each stream as its STREAM state does', async () => {
    const first = await read(['sessions', 'playbooks', 'knowledge_notes']);
    expect(first.code, first.stderr).toBe(0);
    const states = finalState(first.states);
    expect(states).toHaveLength(3);
    const changed = String([...sim.sessions()][5]?.session_id);
    sim.updateSession(changed, { status: 'exit' });
    sim.clearRequestLog();
    const modern = await read(['sessions', 'playbooks', 'knowledge_notes'], { state: states });
    const modernQueries = sim.requestLog.map((entry) => entry.query);
    sim.clearRequestLog();
    const legacy = await read(['sessions', 'playbooks', 'knowledge_notes'], {
      state: Object.fromEntries(states.map((s) => [s.stream.stream_descriptor.name, s.stream.stream_state])),
    });
    expect(legacy.code, legacy.stderr).toBe(0);
    expect(sim.requestLog.map((entry) => entry.query)).toEqual(modernQueries);
    expect(legacy.records.map((r) => [r.stream, r.data])).toEqual(
      modern.records.map((r) => [r.stream, r.data]),
    );
    expect(legacy.records.filter((r) => r.stream === 'sessions').map((r) => r.data.session_id)).toEqual([
      changed,
    ]);
  });

  it('a state with cursors in the far future reads nothing, warns and succeeds; a full_refresh stream ignores it', async () => {
    const first = await read(['sessions', 'playbooks']);
    const future = finalState(first.states).map((state) => ({
      ...state,
      stream: {
        ...state.stream,
        stream_state: { ...state.stream.stream_state, cursor: 4_102_444_800, recent: {} },
      },
    }));
    const none = await read(['sessions', 'playbooks'], { state: future });
    // Airbyte's acceptance tests (abnormally large state) require a successful read with no records.
    expect(none.code, none.stderr).toBe(0);
    expect(none.records).toEqual([]);
    expect(none.messages.filter((m) => m.type === 'TRACE' && JSON.stringify(m).includes('"error"'))).toEqual(
      [],
    );
    for (const stream of ['sessions', 'playbooks']) {
      const warning = none.messages.find(
        (m) =>
          m.type === 'LOG' &&
          String((m.log as JsonObject).message).startsWith(`${stream}: the state's cursor`),
      );
      expect((warning?.log as JsonObject | undefined)?.message).toBe(
        `${stream}: the state's cursor 4102444800 (2100-01-01T00:00:00.000Z) is in the future, so nothing newer ` +
          "is read; remove this stream's state to read it again in full",
      );
      expect((warning?.log as JsonObject | undefined)?.level).toBe('WARN');
    }
    // The bookmark stays where it was: nothing read cannot move it.
    for (const state of finalState(none.states)) expect(state.stream.stream_state.cursor).toBe(4_102_444_800);
    const full = await read(['sessions', 'playbooks'], {
      state: future.filter((state) => state.stream.stream_descriptor.name === 'sessions'),
      mode: () => 'full_refresh',
    });
    expect(full.code, full.stderr).toBe(0);
    expect(full.records.filter((r) => r.stream === 'playbooks')).toHaveLength([...sim.playbooks()].length);
    expect(full.records.filter((r) => r.stream === 'sessions')).toHaveLength([...sim.sessions()].length);
  });

  it('incremental requested for users (no cursor) reads it in full and says so in an INFO log line', async () => {
    const result = await read(['users', 'playbooks']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.records.filter((r) => r.stream === 'users').length).toBeGreaterThan(0);
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => m.log as JsonObject);
    expect(logs).toContainEqual({
      level: 'INFO',
      message:
        'users: incremental requested, but the stream has no cursor: it is read in full (full refresh)',
    });
    // Only the stream without a cursor is named.
    expect(logs.filter((log) => String(log.message).includes('has no cursor'))).toHaveLength(1);
  });

  it('rejects a state of an unknown version with an ERROR trace naming the stream', async () => {
    const state = [
      { type: 'STREAM', stream: { stream_descriptor: { name: 'playbooks' }, stream_state: { version: 99 } } },
    ];
    const result = await read(['playbooks'], { state });
    expect(result.code).not.toBe(0);
    expect(result.records).toEqual([]);
    const errors = JSON.stringify(result.messages.filter((m) => m.type === 'TRACE'));
    expect(errors).toContain('playbooks');
    expect(errors).toMatch(/version/);
  });

  it('resuming from each intermediate STATE returns nothing older than its lookback bound, and completes the read', async () => {
    const baseline = await read(['sessions']);
    const changed = [...sim.sessions()].slice(3, 12).map((s) => String(s.session_id));
    for (const id of changed) sim.updateSession(id, { status: 'exit' });
    const added = sim.addSessions(4);
    const run = await read(['sessions'], { state: finalState(baseline.states), pageSize: 2 });
    expect(run.code, run.stderr).toBe(0);
    expect(new Set(run.records.map((r) => String(r.data.session_id)))).toEqual(
      new Set([...changed, ...added]),
    );
    const intermediate = run.states.filter((s) => s.stream.stream_state.checkpoint);
    expect(intermediate.length).toBeGreaterThanOrEqual(3);

    for (const state of intermediate) {
      const index = run.messages.findIndex((m) => m.state === (state as unknown));
      const before = run.messages.slice(0, index).filter((m) => m.type === 'RECORD');
      const resumed = await read(['sessions'], { state: [state], pageSize: 2 });
      expect(resumed.code, resumed.stderr).toBe(0);
      const bound = (state.stream.stream_state.checkpoint as { lower_bound: number }).lower_bound;
      for (const record of resumed.records)
        expect(Number(record.data.updated_at)).toBeGreaterThanOrEqual(bound);
      const union = new Set([
        ...before.map((m) => String(m.record?.data.session_id)),
        ...resumed.records.map((r) => String(r.data.session_id)),
      ]);
      expect(union).toEqual(new Set([...changed, ...added]));
    }
  });
});
