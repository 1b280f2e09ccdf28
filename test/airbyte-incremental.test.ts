import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { type AirbyteMessage, airbyteMessages, configuredCatalog } from './helpers/airbyte-protocol.js';
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
        .map((m) => m.record as unknown as Read['records'][number]),
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

  it('a state with cursors in the far future is an ERROR naming the stream; a full_refresh stream ignores it', async () => {
    const first = await read(['sessions', 'playbooks']);
    const future = finalState(first.states).map((state) => ({
      ...state,
      stream: {
        ...state.stream,
        stream_state: { ...state.stream.stream_state, cursor: 4_102_444_800, recent: {} },
      },
    }));
    const none = await read(['sessions', 'playbooks'], { state: future });
    expect(none.code).not.toBe(0);
    expect(none.records).toEqual([]);
    const errors = JSON.stringify(none.messages.filter((m) => m.type === 'TRACE'));
    expect(errors).toMatch(
      /Invalid state for stream \\"sessions\\": \\"cursor\\" 4102444800 is not an epoch second/,
    );
    const full = await read(['sessions', 'playbooks'], {
      state: future.filter((state) => state.stream.stream_descriptor.name === 'sessions'),
      mode: () => 'full_refresh',
    });
    expect(full.code, full.stderr).toBe(0);
    expect(full.records.filter((r) => r.stream === 'playbooks')).toHaveLength([...sim.playbooks()].length);
    expect(full.records.filter((r) => r.stream === 'sessions')).toHaveLength([...sim.sessions()].length);
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
