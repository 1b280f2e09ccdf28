import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { isNew, type ReadPlan } from '../src/tap/state/cursor-plan.js';
import type { TapState } from '../src/tap/state/state.js';
import { databaseRows } from './helpers/database-rows.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { collect, configured, finalState, recordsOf, simConfig } from './tap-read-helpers.js';

/**
 * Records new or changed in the bookmark's own second (lookback 0), or exactly at the lookback
 * window's lower edge, are served by `updated_after` (inclusive) and must be emitted.
 */
const STREAMS = ['sessions', 'sessions_insights', 'playbooks'];

function plan(cursor: number, lookback: number, recent: Record<string, number>): ReadPlan {
  return {
    mode: 'incremental',
    startAfter: null,
    resumeDone: new Set(),
    pages: 0,
    createdAfter: null,
    updatedAfter: cursor - lookback,
    updatedBefore: null,
    window: null,
    partition: null,
    previous: { cursor, recent },
    lookback,
    maxSeen: null,
  };
}

describe('the bookmark’s own second', () => {
  it('a record at the bookmark (lookback 0) or at bookmark minus lookback is new unless recorded', () => {
    expect(isNew(plan(1000, 0, { a: 1000 }), 'b', 1000)).toBe(true);
    expect(isNew(plan(1000, 0, { a: 1000 }), 'a', 1000)).toBe(false);
    expect(isNew(plan(1000, 60, {}), 'c', 940)).toBe(true);
    expect(isNew(plan(1000, 60, { c: 940 }), 'c', 940)).toBe(false);
    expect(isNew(plan(1000, 60, {}), 'd', 939)).toBe(false);
  });

  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({
      sessions: 30,
      messagesPerSession: 2,
      playbooks: 8,
      secrets: 2,
      knowledgeNotes: 2,
    });
  });
  afterEach(() => sim.close());

  /** Changes made after a read, landing in the second of the read's bookmark. */
  function changeInBookmarkSecond(): { sessions: string[]; playbook: string } {
    const [first, second] = [...sim.sessions()].map((session) => String(session.session_id));
    const playbooks = [...sim.playbooks()].map((playbook) => String(playbook.playbook_id));
    if (!first || !second || playbooks.length < 2) throw new Error('simulator data too small');
    sim.holdClock(true);
    sim.updateSession(second, { status: 'exit' });
    const [added] = sim.addSessions(1);
    sim.updatePlaybook(playbooks[1] ?? '');
    sim.holdClock(false);
    return { sessions: [second, added ?? ''], playbook: playbooks[1] ?? '' };
  }

  it('read with lookback 0 emits what changed in the bookmark’s second on the next run', async () => {
    const config = simConfig(sim, { lookback_window_seconds: 0 });
    const [first] = [...sim.sessions()].map((session) => String(session.session_id));
    const playbook = String([...sim.playbooks()][0]?.playbook_id);
    sim.updateSession(first ?? '', { status: 'exit' });
    sim.updatePlaybook(playbook);
    const one = await collect(config, configured(STREAMS, 'incremental'));
    const state: TapState = finalState(one);
    const changed = changeInBookmarkSecond();
    const two = await collect(config, configured(STREAMS, 'incremental'), { state });
    for (const stream of ['sessions', 'sessions_insights']) {
      const ids = recordsOf(two, stream).map((record) => record.session_id);
      expect(ids.sort(), stream).toEqual([...changed.sessions].sort());
    }
    expect(recordsOf(two, 'playbooks').map((record) => record.playbook_id)).toEqual([changed.playbook]);
    // Nothing changed since: a third run emits nothing (the second run recorded the bookmark's second).
    const three = await collect(config, configured(STREAMS, 'incremental'), { state: finalState(two) });
    expect(three.filter((event) => event.kind === 'record')).toEqual([]);
  });

  it('sync with lookback 0 stores what changed in the bookmark’s second', async () => {
    const dir = syncTempDir();
    const config = configFile(dir, sim, { lookback_window_seconds: 0 });
    const database = databasePath(dir, 'sqlite');
    const [first] = [...sim.sessions()].map((session) => String(session.session_id));
    sim.updateSession(first ?? '', { status: 'exit' });
    expect((await runSync(syncArgs(config, 'sqlite', database, 'sessions'))).code).toBe(0);
    const changed = changeInBookmarkSecond();
    expect((await runSync(syncArgs(config, 'sqlite', database, 'sessions'))).code).toBe(0);
    const rows = await databaseRows('sqlite', database, 'sessions');
    const truth = new Map([...sim.sessions()].map((session) => [session.session_id, session.status]));
    expect(rows.length).toBe(truth.size);
    for (const id of changed.sessions) {
      const row = rows.find((candidate) => candidate.session_id === id);
      expect(row?.status, id).toBe(truth.get(id));
    }
  });
});
