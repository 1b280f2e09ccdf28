import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { consumptionWindow } from './helpers/ground-truth.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

const entries = (reply: JsonObject) => reply.consumption_by_date as JsonObject[];
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const merged = (session: JsonObject) =>
  ((session.pull_requests ?? []) as JsonObject[]).filter(
    (pr) => String(pr.pr_state).toLowerCase() === 'merged',
  ).length;

describe.each(KINDS)('cost views in %s', (kind) => {
  let sim: Simulator;
  const dir = syncTempDir();
  const database = databasePath(dir, kind);

  beforeAll(async () => {
    sim = await startSimulator({ sessions: 40, messagesPerSession: 1, users: 6, seed: 9 });
    const run = await runSync(
      syncArgs(configFile(dir, sim), kind, database, 'sessions,users,consumption_daily,consumption_by_user'),
    );
    expect(run.code, run.stderr).toBe(0);
  });
  afterAll(() => sim.close());

  it('acu_daily: one row per billing day with the product split, summing to the org total', async () => {
    const days = entries(sim.consumptionDaily(consumptionWindow()));
    // billing_day_start is a time column: TIMESTAMPTZ in DuckDB, epoch seconds in SQLite.
    const seconds = kind === 'duckdb' ? 'CAST(epoch(billing_day_start) AS BIGINT)' : 'billing_day_start';
    const rows = await query(
      kind,
      database,
      `SELECT *, ${seconds} AS start_seconds FROM acu_daily ORDER BY billing_day_start`,
    );
    expect(rows.length).toBe(days.length);
    for (const [index, day] of days.entries()) {
      const row = rows[index] as JsonObject;
      const products = day.acus_by_product as Record<string, number>;
      expect(row.start_seconds).toBe(day.date);
      expect(String(row.billing_day).slice(0, 10)).toBe(
        new Date(Number(day.date) * 1000).toISOString().slice(0, 10),
      );
      expect(row.acus).toBeCloseTo(Number(day.acus), 6);
      expect(row.acus_devin).toBeCloseTo(products.devin ?? 0, 6);
      expect(row.acus_cascade).toBeCloseTo(products.cascade ?? 0, 6);
      expect(row.acus_terminal).toBeCloseTo(products.terminal ?? 0, 6);
      expect(row.acus_review).toBeCloseTo(products.review ?? 0, 6);
    }
    const [total] = await query(kind, database, 'SELECT sum(acus) AS acus FROM acu_daily');
    expect(Number(total?.acus)).toBeCloseTo(sum(days.map((day) => Number(day.acus))), 4);
  });

  it('user_spend: each member’s billed ACUs, sessions and merged PRs; session_facts names them', async () => {
    const sessions = [...sim.sessions()];
    const rows = await query(kind, database, 'SELECT * FROM user_spend');
    const users = [...sim.users()];
    expect(rows.map((row) => row.user_id).sort()).toEqual(users.map((user) => user.user_id).sort());
    for (const user of users) {
      const row = rows.find((candidate) => candidate.user_id === user.user_id) as JsonObject;
      const billed = entries(sim.userConsumption(String(user.user_id), consumptionWindow()));
      const own = sessions.filter((session) => session.user_id === user.user_id);
      expect(row.name).toBe(user.name);
      expect(row.email).toBe(user.email);
      expect(Number(row.billed_acus)).toBeCloseTo(sum(billed.map((day) => Number(day.acus))), 4);
      expect(Number(row.billed_days)).toBe(billed.length);
      expect(Number(row.sessions)).toBe(own.length);
      expect(Number(row.prs_merged)).toBe(sum(own.map(merged)));
    }
    expect(sum(rows.map((row) => Number(row.sessions)))).toBeGreaterThan(0);
    const facts = await query(kind, database, 'SELECT user_id, user_name, user_email FROM session_facts');
    for (const fact of facts) {
      const user = users.find((candidate) => candidate.user_id === fact.user_id);
      expect(fact.user_name ?? null).toBe(user ? user.name : null);
      expect(fact.user_email ?? null).toBe(user ? user.email : null);
    }
    expect(facts.some((fact) => fact.user_name !== null)).toBe(true);
  });
});
