import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { databaseRows } from './helpers/database-rows.js';
import { consumptionWindow, userDayKey, withProductColumns } from './helpers/ground-truth.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS } from './targets-helpers.js';

/**
 * A member who leaves is no longer listed, but the per-user endpoint still serves their billing and
 * billing never changes in hindsight: neither an incremental sync nor --full-refresh removes it.
 */
const STREAMS = 'users,consumption_daily,consumption_by_user';

function billingOf(sim: Simulator, userIds: readonly string[]): Map<string, JsonObject> {
  const window = consumptionWindow();
  const rows = userIds.flatMap((userId) =>
    (sim.userConsumption(userId, window).consumption_by_date as JsonObject[]).map((day) => ({
      ...withProductColumns(day),
      user_id: userId,
    })),
  );
  return new Map(rows.map((row) => [userDayKey(row), row]));
}

describe.each(KINDS)('%s: a departed member’s billing', (kind) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 30, messagesPerSession: 1, users: 6, seed: 5 });
  });
  afterAll(() => sim.close());

  it('stays through an incremental sync and a full refresh, exactly as the API still serves it', async () => {
    const dir = syncTempDir();
    const config = configFile(dir, sim);
    const database = databasePath(dir, kind);
    const everyone = [...sim.users()].map((user) => String(user.user_id));
    const departed = everyone.find((userId) => billingOf(sim, [userId]).size > 2) ?? '';
    expect(departed).not.toBe('');
    expect((await runSync(syncArgs(config, kind, database, STREAMS))).code).toBe(0);
    sim.removeUser(departed);
    const expected = billingOf(sim, everyone);

    for (const extra of [[], ['--full-refresh']]) {
      const run = await runSync([...syncArgs(config, kind, database, STREAMS), ...extra]);
      expect(run.code, run.stderr).toBe(0);
      const rows = await databaseRows(kind, database, 'consumption_by_user');
      expect(rows.map(userDayKey).sort(), extra.join(' ')).toEqual([...expected.keys()].sort());
      for (const row of rows) expect(row).toEqual(expected.get(userDayKey(row)));
      const users = (await databaseRows(kind, database, 'users')).map((row) => row.user_id);
      // The member list is replaced by a full refresh: the departed member is no longer listed.
      if (extra.length > 0) expect(users).not.toContain(departed);
    }
  });
});
