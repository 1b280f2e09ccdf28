import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { consumptionWindow, expectedRecords, PRIMARY_KEY } from './helpers/ground-truth.js';
import { byKey, collect, configured, finalState, KEYS, recordsOf, simConfig } from './tap-read-helpers.js';

const COST = ['users', 'consumption_daily', 'consumption_by_user'];
const DAY = 86_400;

describe('users and consumption', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 30, messagesPerSession: 1, users: 4, seed: 3 });
  });
  afterAll(() => sim.close());

  const windows = () => sim.requestLog.filter((entry) => entry.path.includes('/consumption/daily'));

  it('a first read asks in windows of at most 30 days from consumption_history_days back; a rerun only the trailing 3 days', async () => {
    const config = simConfig(sim, { consumption_history_days: 100 });
    sim.clearRequestLog();
    const first = await collect(config, configured(COST, 'incremental'));
    const expected = expectedRecords(sim, consumptionWindow(100));
    for (const stream of COST) {
      const keys = KEYS[stream] ?? [];
      expect(byKey(recordsOf(first, stream), keys), stream).toEqual(
        byKey([...(expected[stream]?.values() ?? [])], keys),
      );
    }
    expect(windows().length).toBe(4 * (1 + 4));
    for (const entry of windows()) {
      const [after, before] = [Number(entry.query.time_after), Number(entry.query.time_before)];
      expect(before - after).toBeLessThanOrEqual(30 * DAY);
      expect(before).toBeGreaterThan(after);
    }
    const users = [...sim.users()].map((user) => String(user.user_id));
    expect(users.some((id) => id.includes('|'))).toBe(true);
    for (const id of users)
      expect(windows().some((entry) => entry.path.endsWith(`/users/${encodeURIComponent(id)}`))).toBe(true);

    const bookmark = Number(finalState(first).consumption_daily?.cursor);
    expect(bookmark).toBe(Math.max(...recordsOf(first, 'consumption_daily').map((day) => Number(day.date))));
    const user = users[1] ?? '';
    sim.addConsumption({ userId: user, product: 'cascade', acus: 2.5 });
    sim.clearRequestLog();
    const second = await collect(config, configured(COST, 'incremental'), { state: finalState(first) });
    const from = bookmark - 3 * DAY;
    for (const entry of windows()) expect(Number(entry.query.time_after)).toBeGreaterThanOrEqual(from);
    expect(new Set(windows().map((entry) => entry.path)).size).toBe(1 + 4);
    const trailing = expectedRecords(sim, {
      time_after: from,
      time_before: Math.floor(Date.now() / 1000) + 1,
    });
    for (const stream of ['consumption_daily', 'consumption_by_user']) {
      const keyOf = PRIMARY_KEY[stream] as (row: { [key: string]: unknown }) => string;
      const rows = recordsOf(second, stream);
      expect(rows.map((row) => keyOf(row)).sort(), stream).toEqual(
        [...(trailing[stream]?.keys() ?? [])].sort(),
      );
      for (const row of rows) expect(row).toEqual(trailing[stream]?.get(keyOf(row)));
    }
    const { lastDay } = sim.billing();
    const changed = recordsOf(second, 'consumption_by_user').find(
      (row) => row.user_id === user && Number(row.date) <= lastDay && Number(row.date) > lastDay - DAY,
    );
    expect(Number(changed?.acus_cascade)).toBeGreaterThanOrEqual(2.5);
    expect(recordsOf(second, 'users').length).toBe(4);
  });

  it('an absent product reads 0 in its column; acus_by_product stays as the API sent it', async () => {
    const events = await collect(
      simConfig(sim, { consumption_history_days: 60 }),
      configured(['consumption_daily']),
    );
    const days = recordsOf(events, 'consumption_daily');
    for (const day of days) {
      const products = day.acus_by_product as Record<string, number>;
      for (const product of ['devin', 'cascade', 'terminal', 'review'])
        expect(day[`acus_${product}`], product).toBe(products[product] ?? 0);
    }
    expect(days.some((day) => Object.keys(day.acus_by_product as object).length < 4)).toBe(true);
  });
});
