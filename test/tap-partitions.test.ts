import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { PartitionProgress } from '../src/tap/state/partitions.js';
import type { TapState } from '../src/tap/state/state.js';
import { withProductColumns } from './helpers/ground-truth.js';
import { startLocalServer } from './helpers/local-server.js';
import { collect, configured, finalState, recordsOf, simConfig } from './tap-read-helpers.js';

/**
 * consumption_by_user keeps its progress per member: a member who appears after the first sync has
 * the whole history read, not the others' trailing days.
 */
const DAY = 86_400;
const HISTORY_DAYS = 100;
const COST = configured(['users', 'consumption_by_user'], 'incremental');

function userWindows(sim: Simulator): Map<string, number> {
  const starts = new Map<string, number>();
  for (const entry of sim.requestLog) {
    const match = /\/consumption\/daily\/users\/(.+)$/.exec(entry.path);
    if (!match?.[1]) continue;
    const user = decodeURIComponent(match[1]);
    const after = Number(entry.query.time_after?.[0]);
    starts.set(user, Math.min(starts.get(user) ?? after, after));
  }
  return starts;
}

function daysOf(sim: Simulator, userId: string, nowSeconds: number): JsonObject[] {
  const window = { time_after: nowSeconds - HISTORY_DAYS * DAY, time_before: nowSeconds + 1 };
  const answer = sim.userConsumption(userId, window).consumption_by_date as JsonObject[];
  return answer.map((day) => ({ ...withProductColumns(day), user_id: userId }));
}

function recordsOfUser(events: Parameters<typeof recordsOf>[0], userId: string): JsonObject[] {
  return recordsOf(events, 'consumption_by_user').filter((row) => row.user_id === userId);
}

describe('per-member progress of consumption_by_user', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ sessions: 20, messagesPerSession: 1, users: 5, seed: 4 });
  });
  afterEach(() => sim.close());

  it('a member who joins after the first sync has the whole history read; the others their trailing days', async () => {
    const config = simConfig(sim, { consumption_history_days: HISTORY_DAYS, page_size: 2 });
    const first = await collect(config, COST);
    const state: TapState = finalState(first);
    const bookmark = Number(state.consumption_by_user?.cursor);
    const { lastDay } = sim.billing();
    const joined = sim.addUser({ name: 'Late Joiner', email: 'late@acme.example' });
    for (const daysAgo of [40, 12, 2, 0])
      sim.addConsumption({ userId: joined, date: lastDay - daysAgo * DAY, product: 'devin', acus: 3 });
    sim.clearRequestLog();
    const now = Math.floor(Date.now() / 1000);
    const second = await collect(config, COST, { state });
    const expected = daysOf(sim, joined, now);
    expect(expected.length).toBe(4);
    expect(recordsOfUser(second, joined)).toEqual(expected);
    const starts = userWindows(sim);
    expect(starts.get(joined)).toBeLessThanOrEqual(now - HISTORY_DAYS * DAY + 5);
    for (const [user, start] of starts) if (user !== joined) expect(start, user).toBe(bookmark - 3 * DAY);

    // From then on the new member is read like the others: its trailing days only.
    sim.clearRequestLog();
    await collect(config, COST, { state: finalState(second) });
    const third = userWindows(sim);
    expect(third.size).toBe(6);
    for (const start of third.values()) expect(start).toBeGreaterThanOrEqual(bookmark - 3 * DAY);
  });

  it('a state written before per-member progress reads every member’s history once, and says so', async () => {
    const config = simConfig(sim, { consumption_history_days: HISTORY_DAYS });
    const first = await collect(config, COST);
    const state = finalState(first);
    const legacy = { ...(state.consumption_by_user as JsonObject) };
    delete legacy.partitions;
    sim.clearRequestLog();
    const second = await collect(config, COST, { state: { ...state, consumption_by_user: legacy } });
    const now = Math.floor(Date.now() / 1000);
    for (const start of userWindows(sim).values())
      expect(start).toBeLessThanOrEqual(now - HISTORY_DAYS * DAY + 5);
    const notices = second.filter((event) => event.kind === 'log' && /whole history/.test(event.message));
    expect(notices.length).toBe(1);
    expect(Object.keys((finalState(second).consumption_by_user as JsonObject).partitions ?? {}).length).toBe(
      5,
    );
  });

  it('a resumed read keeps the members read before the interrupt and reads the rest', async () => {
    const config = simConfig(sim, { consumption_history_days: HISTORY_DAYS, page_size: 2 });
    const full = await collect(config, COST);
    const checkpoints = full.filter(
      (event) => event.kind === 'state' && event.stream === 'consumption_by_user',
    );
    const mid = checkpoints[1];
    if (mid?.kind !== 'state') throw new Error('expected a checkpoint after the second page of members');
    const partitions = (mid.state as JsonObject).partitions as Record<string, number>;
    expect(Object.keys(partitions).length).toBe(4);
    const resumed = await collect(config, COST, {
      state: { users: finalState(full).users ?? {}, consumption_by_user: mid.state },
    });
    const done = finalState(resumed).consumption_by_user as JsonObject;
    expect(Object.keys(done.partitions as object).sort()).toEqual(
      [...sim.users()].map((user) => String(user.user_id)).sort(),
    );
    expect(done.checkpoint).toBeNull();
  });
});

describe('PartitionProgress', () => {
  it('keeps the most recently read parents when over its bound', () => {
    const progress = new PartitionProgress({ old: 1, older: 0 });
    const many = Array.from({ length: 20_000 }, (_, i) => `k${i}`);
    progress.markRead(many, 5);
    progress.markRead(['old'], 6);
    const snapshot = progress.snapshot();
    expect(Object.keys(snapshot).length).toBe(20_000);
    expect(snapshot.old).toBe(6);
    expect(snapshot.older).toBeUndefined();
    expect(snapshot.k0).toBeUndefined();
    expect(snapshot.k19999).toBe(5);
  });

  it('raises the parents read this run to the final bookmark, not one read before', () => {
    const progress = new PartitionProgress({ earlier: 50 });
    progress.markRead(['early'], 100); // done while the bookmark so far was 100
    progress.markRead(['late'], 300);
    progress.settle(300);
    expect(progress.snapshot()).toEqual({ earlier: 50, early: 300, late: 300 });
    progress.settle(null);
    expect(progress.snapshot().early).toBe(300);
  });
});

describe('a member removed between the list and the read', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ sessions: 10, messagesPerSession: 1, users: 5, seed: 6 });
  });
  afterEach(() => sim.close());

  it('is skipped with a warning once the member list confirms it; the others complete', async () => {
    const doomed = String([...sim.users()][2]?.user_id);
    // In front of the simulator: the member's account is deleted right after the list is served.
    const proxy = await startLocalServer((req, res) => {
      const url = req.url ?? '/';
      void fetch(`${sim.baseUrl}${url}`, {
        headers: { authorization: req.headers.authorization ?? '' },
      }).then(async (answer) => {
        const body = await answer.text();
        if (/\/members\/users(\?|$)/.test(url) && !url.includes('email=')) sim.removeUser(doomed, 'gone');
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
        res.end(body);
      });
    });
    try {
      const config = simConfig(sim, { base_url: proxy.url, consumption_history_days: HISTORY_DAYS });
      const events = await collect(config, COST);
      const statuses = events.filter((e) => e.kind === 'status' && e.stream === 'consumption_by_user');
      expect(statuses.map((e) => e.kind === 'status' && e.status).at(-1)).toBe('complete');
      expect(recordsOfUser(events, doomed)).toEqual([]);
      const others = [...sim.users()].map((user) => String(user.user_id));
      expect(others).not.toContain(doomed);
      const now = Math.floor(Date.now() / 1000);
      for (const userId of others) expect(recordsOfUser(events, userId)).toEqual(daysOf(sim, userId, now));
      const warnings = events.filter((e) => e.kind === 'log' && e.message.includes(doomed));
      expect(warnings.length).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
