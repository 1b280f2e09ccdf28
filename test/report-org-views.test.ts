import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

const DAY = 86_400;

describe.each(KINDS)('views of the organization scope (%s)', (kind) => {
  let sim: Simulator;
  const dir = syncTempDir();
  const database = databasePath(dir, kind);
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 1200, messagesPerSession: 1, users: 30, seed: 5, schedules: 9 });
    const run = await runSync(syncArgs(configFile(dir, sim, { page_size: 100 }), kind, database));
    expect(run.code, run.stderr).toBe(0);
  });
  afterAll(() => sim.close());

  it('daily_adoption: per UTC day, the figures the sessions served add up to', async () => {
    // day_start is a time column: TIMESTAMPTZ in DuckDB, epoch seconds in SQLite.
    const seconds = kind === 'duckdb' ? 'CAST(epoch(day_start) AS BIGINT)' : 'day_start';
    const rows = (
      await query(
        kind,
        database,
        `SELECT *, ${seconds} AS start_seconds FROM daily_adoption ORDER BY day_start`,
      )
    ).map((row): JsonObject => ({ ...row, day_start: row.start_seconds ?? null }));
    const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
    expect(rows.map((row) => Number(row.day_start))).toEqual(
      Array.from({ length: 91 }, (_, n) => today - (90 - n) * DAY),
    );
    const sessions = [...sim.sessions()];
    const onDay = (day: number) =>
      sessions.filter((s) => Number(s.created_at) >= day && Number(s.created_at) < day + DAY);
    for (const row of rows) {
      const day = Number(row.day_start);
      const created = onDay(day);
      const merged = created
        .flatMap((s) => (s.pull_requests ?? []) as JsonObject[])
        .filter((pr) => pr.pr_state === 'merged');
      const users = new Set(created.flatMap((s) => (typeof s.user_id === 'string' ? [s.user_id] : [])));
      expect(
        {
          sessions: Number(row.sessions_created),
          merged: Number(row.prs_merged),
          active: Number(row.active_users),
        },
        String(day),
      ).toEqual({ sessions: created.length, merged: merged.length, active: users.size });
      expect(Number(row.searches)).toBe(sim.metric('searches', day, day + DAY).searches_created_count);
      expect(String(row.day)).toContain(new Date(day * 1000).toISOString().slice(0, 10));
    }
    expect(rows.reduce((sum, row) => sum + Number(row.sessions_created), 0)).toBeGreaterThan(20);
  });

  it('schedule_health: one row per schedule, failing exactly when it has consecutive failures', async () => {
    const rows = await query(kind, database, 'SELECT * FROM schedule_health ORDER BY scheduled_session_id');
    const schedules = sim
      .schedules()
      .sort((a, b) => String(a.scheduled_session_id).localeCompare(String(b.scheduled_session_id)));
    expect(rows.map((row) => row.scheduled_session_id)).toEqual(schedules.map((s) => s.scheduled_session_id));
    for (const [index, row] of rows.entries()) {
      const schedule = schedules[index] ?? {};
      const failures = Number(schedule.consecutive_failures);
      expect(Boolean(row.failing)).toBe(failures > 0);
      expect(Number(row.consecutive_failures)).toBe(failures);
      expect(row.last_error_message ?? null).toBe(schedule.last_error_message ?? null);
      expect(row.playbook_id ?? null).toBe((schedule.playbook as JsonObject | null)?.playbook_id ?? null);
    }
    expect(rows.some((row) => Boolean(row.failing))).toBe(true);
  });

  it('session_facts and user_spend name IdP members too, with their membership', async () => {
    const direct = new Map([...sim.users()].map((user) => [String(user.user_id), user]));
    const idp = new Map(sim.idpUsers().map((user) => [String(user.user_id), user]));
    const facts = await query(
      kind,
      database,
      'SELECT user_id, user_name, user_email, membership FROM session_facts',
    );
    for (const fact of facts) {
      const id = String(fact.user_id);
      const person = direct.get(id) ?? idp.get(id);
      const membership = direct.has(id) ? 'direct' : idp.has(id) ? 'idp' : null;
      expect(
        { name: fact.user_name ?? null, email: fact.user_email ?? null, membership: fact.membership ?? null },
        id,
      ).toEqual({
        name: person?.name ?? null,
        email: person?.email ?? null,
        membership,
      });
    }
    expect(facts.some((fact) => fact.membership === 'idp')).toBe(true);
    const spend = await query(kind, database, 'SELECT user_id, name, membership FROM user_spend');
    const idpRows = spend.filter((row) => row.membership === 'idp');
    expect(idpRows.map((row) => row.user_id).sort()).toEqual([...idp.keys()].sort());
    for (const row of idpRows) expect(row.name).toBe(idp.get(String(row.user_id))?.name);
    expect(spend.filter((row) => row.membership === 'direct').length).toBe(direct.size);
  });
});
