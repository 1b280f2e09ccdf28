import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { StateError } from '../src/tap/errors.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import type { TapState } from '../src/tap/state/state.js';
import {
  byKey,
  CURSOR_STREAMS,
  collect,
  configured,
  finalState,
  KEYS,
  messageRequests,
  recordsOf,
  simConfig,
  statusesOf,
  truthMessages,
} from './tap-read-helpers.js';

const INCREMENTAL = configured(CURSOR_STREAMS, 'incremental');

/** Rows as a target holds them after applying runs in order (upsert on the primary key). */
function upsert(runs: readonly TapEvent[][], stream: string): JsonObject[] {
  const keys = KEYS[stream] ?? [];
  const rows = new Map<string, JsonObject>();
  for (const events of runs) {
    for (const record of recordsOf(events, stream))
      rows.set(keys.map((k) => String(record[k])).join('|'), record);
  }
  return byKey([...rows.values()], keys);
}

function sessionListQueries(sim: Simulator): Record<string, string[]>[] {
  return sim.requestLog.filter((entry) => entry.path.endsWith('/sessions')).map((entry) => entry.query);
}

describe('incremental reads', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({
      sessions: 50,
      messagesPerSession: 3,
      playbooks: 12,
      secrets: 6,
      knowledgeNotes: 7,
    });
  });
  afterEach(() => sim.close());

  it('a second read with the first read’s state returns nothing and requests no messages', async () => {
    const first = await collect(simConfig(sim), INCREMENTAL);
    expect(recordsOf(first, 'sessions').length).toBe(50);
    const state = finalState(first);
    for (const stream of CURSOR_STREAMS) expect(state[stream]?.checkpoint, stream).toBeNull();
    sim.clearRequestLog();
    const second = await collect(simConfig(sim), INCREMENTAL, { state });
    expect(second.filter((event) => event.kind === 'record')).toEqual([]);
    expect(messageRequests(sim)).toEqual([]);
    for (const stream of CURSOR_STREAMS)
      expect(statusesOf(second, stream)).toEqual(['started', 'running', 'complete']);
    expect(finalState(second).sessions?.cursor).toBe(state.sessions?.cursor);
    const sessionsProgress = second.filter((e) => e.kind === 'progress' && e.stream === 'playbooks').at(-1);
    expect(sessionsProgress).toMatchObject({ counters: { records: 0, unchanged: 12 } });
    // The lookback window re-requested at least the newest session; `recent` kept it from re-emission.
    const windowed = second.filter((e) => e.kind === 'progress' && e.stream === 'sessions').at(-1);
    expect(windowed?.kind === 'progress' && windowed.counters.unchanged).toBeGreaterThanOrEqual(1);
    expect(Object.keys(state.sessions?.recent ?? {}).length).toBeGreaterThanOrEqual(1);
  });

  it('sends updated_after = bookmark - lookback and never an updated_before; start_date only on the first run', async () => {
    const startDate = '2020-01-01T00:00:00Z';
    const config = simConfig(sim, { lookback_window_seconds: 600, start_date: startDate });
    const now = Date.UTC(2026, 11, 1);
    await collect(config, configured(['sessions'], 'incremental'), { now: () => now }).then((first) => {
      const [query] = sessionListQueries(sim);
      expect(query?.created_after).toEqual([String(Date.parse(startDate) / 1000)]);
      expect(query?.updated_after).toBeUndefined();
      expect(query?.updated_before).toBeUndefined();
      sim.clearRequestLog();
      return collect(config, configured(['sessions'], 'incremental'), {
        state: finalState(first),
        now: () => now + 5000,
      });
    });
    const cursor = Math.max(...[...sim.sessions()].map((session) => Number(session.updated_at)));
    const [query] = sessionListQueries(sim);
    expect(query?.updated_after).toEqual([String(cursor - 600)]);
    expect(query?.updated_before).toBeUndefined();
    expect(query?.created_after).toBeUndefined();
  });

  it('after changes, reads messages of changed sessions only, and the result equals a fresh full read', async () => {
    const first = await collect(simConfig(sim), INCREMENTAL);
    const ids = [...sim.sessions()].map((session) => String(session.session_id));
    const [updated, statusChanged] = [ids[7] ?? '', ids[30] ?? ''];
    sim.updateSession(updated, { newMessages: 4 });
    sim.updateSession(statusChanged, { status: 'exit' });
    const added = sim.addSessions(2);
    const playbook = String([...sim.playbooks()][3]?.playbook_id);
    sim.updatePlaybook(playbook);
    sim.clearRequestLog();

    const second = await collect(simConfig(sim), INCREMENTAL, { state: finalState(first) });
    const changed = [updated, statusChanged, ...added];
    const requested = new Set(messageRequests(sim).map((path) => path.split('/').at(-2)));
    expect([...requested].sort()).toEqual([...changed].sort());
    expect(
      recordsOf(second, 'sessions')
        .map((s) => s.session_id)
        .sort(),
    ).toEqual([...changed].sort());
    expect(
      recordsOf(second, 'sessions_insights')
        .map((s) => s.session_id)
        .sort(),
    ).toEqual([...changed].sort());
    // A changed session's messages are all read again; only those past the previous bookmark minus
    // the lookback are emitted (the older ones were emitted by the first read).
    const floor = Number(finalState(first).session_messages?.cursor) - simConfig(sim).lookbackWindowSeconds;
    const freshMessages = truthMessages(sim, changed).filter((m) => Number(m.created_at) >= floor);
    expect(freshMessages.length).toBeLessThan(truthMessages(sim, changed).length);
    expect(byKey(recordsOf(second, 'session_messages'), KEYS.session_messages ?? [])).toEqual(
      byKey(freshMessages, KEYS.session_messages ?? []),
    );
    expect(recordsOf(second, 'playbooks').map((p) => p.playbook_id)).toEqual([playbook]);
    expect(recordsOf(second, 'secrets')).toEqual([]);
    const sessionCounters = second.filter((e) => e.kind === 'progress' && e.stream === 'sessions').at(-1);
    expect(sessionCounters).toMatchObject({ counters: { records: 4 } });

    const fresh = await collect(simConfig(sim), configured(CURSOR_STREAMS, 'full_refresh'));
    for (const stream of CURSOR_STREAMS) {
      expect(upsert([first, second], stream), stream).toEqual(upsert([fresh], stream));
    }
  });

  it('only session_messages selected: unchanged sessions cost no message requests', async () => {
    const streams = configured(['session_messages'], 'incremental');
    const first = await collect(simConfig(sim), streams);
    expect(recordsOf(first, 'session_messages').length).toBe(truthMessages(sim).length);
    const ids = [...sim.sessions()].map((session) => String(session.session_id));
    sim.updateSession(ids[12] ?? '', { newMessages: 2 });
    sim.clearRequestLog();
    const second = await collect(simConfig(sim), streams, { state: finalState(first) });
    expect(messageRequests(sim).map((path) => path.split('/').at(-2))).toEqual([ids[12]]);
    expect(recordsOf(second, 'session_messages')).toEqual(truthMessages(sim, [ids[12] ?? '']));
    expect(recordsOf(second, 'sessions')).toEqual([]);
  });

  it('session_messages newly selected beside a bookmarked sessions stream reads every message once', async () => {
    const first = await collect(simConfig(sim), configured(['sessions'], 'incremental'));
    const streams = configured(['sessions', 'session_messages'], 'incremental');
    const second = await collect(simConfig(sim), streams, { state: finalState(first) });
    expect(recordsOf(second, 'sessions')).toEqual([]);
    expect(byKey(recordsOf(second, 'session_messages'), KEYS.session_messages ?? [])).toEqual(
      byKey(truthMessages(sim), KEYS.session_messages ?? []),
    );
    sim.clearRequestLog();
    const third = await collect(simConfig(sim), streams, { state: finalState(second) });
    expect(third.filter((event) => event.kind === 'record')).toEqual([]);
    expect(messageRequests(sim)).toEqual([]);
  });

  it('full_refresh ignores the state; a far-future bookmark reads nothing new and warns naming the stream', async () => {
    const first = await collect(simConfig(sim), INCREMENTAL);
    const again = await collect(simConfig(sim), configured(['sessions', 'playbooks']), {
      state: finalState(first),
    });
    expect(recordsOf(again, 'sessions').length).toBe(50);
    expect(recordsOf(again, 'playbooks').length).toBe(12);
    const future: TapState = {};
    for (const stream of CURSOR_STREAMS)
      future[stream] = { version: 1, stream, cursor: 4_000_000_000, recent: {}, checkpoint: null };
    const ahead = await collect(simConfig(sim), INCREMENTAL, { state: future });
    expect(ahead.filter((event) => event.kind === 'record')).toEqual([]);
    const warned = ahead.flatMap((event) =>
      event.kind === 'log' && event.message.includes("the state's cursor 4000000000") ? [event.message] : [],
    );
    expect(warned.map((message) => message.split(':')[0]).sort()).toEqual([...CURSOR_STREAMS].sort());
    // A bookmark below 2000 (or a fraction) is no epoch second: still refused before any request.
    sim.clearRequestLog();
    const past: TapState = {
      sessions: { version: 1, stream: 'sessions', cursor: 5, recent: {}, checkpoint: null },
    };
    await expect(collect(simConfig(sim), INCREMENTAL, { state: past })).rejects.toThrow(
      /Invalid state for stream "sessions": "cursor" 5 is not an epoch second since 2000-01-01/,
    );
    expect(sim.requestLog).toEqual([]);
  });

  it('rejects a malformed state naming the stream, before reading anything', async () => {
    const state: TapState = { playbooks: { cursor: 5 } };
    sim.clearRequestLog();
    await expect(collect(simConfig(sim), INCREMENTAL, { state })).rejects.toThrow(StateError);
    await expect(collect(simConfig(sim), INCREMENTAL, { state })).rejects.toThrow(/stream "playbooks"/);
    expect(sim.requestLog).toEqual([]);
    const wrong: TapState = { sessions: { version: 1, stream: 'secrets', cursor: 1 } };
    await expect(collect(simConfig(sim), INCREMENTAL, { state: wrong })).rejects.toThrow(
      /belongs to stream "secrets"/,
    );
    // A full refresh does not read the state, so a bad one cannot block it.
    const full = await collect(simConfig(sim), configured(['playbooks']), { state });
    expect(recordsOf(full, 'playbooks').length).toBe(12);
  });
});

describe('resuming from checkpoints', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({
      sessions: 45,
      messagesPerSession: 3,
      playbooks: 4,
      secrets: 2,
      knowledgeNotes: 2,
    });
  });
  afterEach(() => sim.close());

  /** The state an output holds after event `index`: the last state event of each stream so far. */
  function stateAt(events: readonly TapEvent[], index: number): TapState {
    return finalState(events.slice(0, index + 1));
  }

  it('every intermediate state resumes to a complete result with fewer requests', async () => {
    const streams = configured(['sessions', 'session_messages'], 'incremental');
    const config = simConfig(sim, { page_size: 10 });
    sim.clearRequestLog();
    const full = await collect(config, streams);
    const fullRequests = sim.requestLog.length;
    const checkpoints = full.flatMap((event, index) =>
      event.kind === 'state' && event.stream === 'session_messages' && event.state.checkpoint ? [index] : [],
    );
    expect(checkpoints.length).toBe(4);
    for (const index of checkpoints) {
      const state = stateAt(full, index);
      expect(state.sessions?.checkpoint).toEqual(state.session_messages?.checkpoint);
      sim.clearRequestLog();
      const resumed = await collect(config, streams, { state });
      expect(sim.requestLog.length).toBeLessThan(fullRequests);
      const before = full.slice(0, index + 1);
      for (const stream of ['sessions', 'session_messages']) {
        expect(upsert([before, resumed], stream), `${stream} from ${index}`).toEqual(upsert([full], stream));
      }
    }
  });

  it('checkpoints committed at different pages resume from the one behind, not from page 1', async () => {
    const streams = configured(['sessions', 'session_messages'], 'incremental');
    const config = simConfig(sim, { page_size: 10 });
    sim.clearRequestLog();
    const full = await collect(config, streams);
    const fullLists = sim.requestLog.filter((entry) => entry.path.endsWith('/sessions')).length;
    const checkpointAt = (stream: string, n: number) =>
      full.filter((e) => e.kind === 'state' && e.stream === stream && e.state.checkpoint)[n];
    // As a target may hold them after a kill -9: sessions committed two pages further than messages.
    const sessions = checkpointAt('sessions', 2);
    const messages = checkpointAt('session_messages', 0);
    if (sessions?.kind !== 'state' || messages?.kind !== 'state') throw new Error('no checkpoints');
    sim.clearRequestLog();
    const resumed = await collect(config, streams, {
      state: { sessions: sessions.state, session_messages: messages.state },
    });
    const lists = sim.requestLog.filter((entry) => entry.path.endsWith('/sessions')).length;
    expect(lists).toBe(fullLists - 1);
    const cut = full.indexOf(messages);
    for (const stream of ['sessions', 'session_messages']) {
      expect(upsert([full.slice(0, cut + 1), resumed], stream), stream).toEqual(upsert([full], stream));
    }
  });

  it('resumed incremental reads emit nothing older than the lookback bound', async () => {
    const streams = configured(['sessions'], 'incremental');
    const config = simConfig(sim, { page_size: 2, lookback_window_seconds: 60 });
    const first = await collect(config, streams);
    const ids = [...sim.sessions()].map((session) => String(session.session_id));
    for (const id of ids.slice(0, 7)) sim.updateSession(id, { status: 'exit' });
    const second = await collect(config, streams, { state: finalState(first) });
    expect(recordsOf(second, 'sessions').length).toBe(7);
    const bound = Number(finalState(first).sessions?.cursor) - 60;
    const checkpoints = second.flatMap((event, index) =>
      event.kind === 'state' && event.state.checkpoint ? [index] : [],
    );
    expect(checkpoints.length).toBe(3);
    for (const index of checkpoints) {
      const resumed = await collect(config, streams, { state: stateAt(second, index) });
      for (const record of recordsOf(resumed, 'sessions'))
        expect(Number(record.updated_at)).toBeGreaterThan(bound);
      expect(upsert([second.slice(0, index + 1), resumed], 'sessions')).toEqual(upsert([second], 'sessions'));
    }
  });
});
