import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dialect, VIEW_NAMES, viewStatements } from '../src/report/views.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { tempDir } from './helpers/temp-dir.js';
import {
  isoWeekMonday,
  type Query,
  type StreamRows,
  simulatorRows,
  syncDatabase,
  tally,
  withDatabase,
} from './report-helpers.js';

const SESSION_STREAMS = ['sessions', 'sessions_insights', 'session_messages'];
let sim: Simulator;
let dir: string;
let rows: StreamRows;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, sessions: 120, messagesPerSession: 4 });
  dir = tempDir('report-views-');
  rows = simulatorRows(sim, SESSION_STREAMS);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const n = (value: unknown): number => Number(value);
const prsOf = (session: JsonObject): { pr_url: string; pr_state: string | null }[] =>
  Array.isArray(session.pull_requests)
    ? (session.pull_requests as { pr_url: string; pr_state: string | null }[])
    : [];
const actorOf = (s: JsonObject): string => String(s.user_id ?? s.service_user_id ?? '');

/** Syncs the streams from the simulator (HTTP, tap, target), creates the views, runs `check`. */
async function viewsOver(
  dialect: Dialect,
  streams: readonly string[],
  name: string,
  check: (q: Query) => Promise<void>,
): Promise<void> {
  const path = join(dir, `${name}.${dialect}`);
  await syncDatabase(dialect, path, sim, streams);
  await withDatabase(dialect, path, viewStatements(dialect, new Set(streams)), check);
}

describe.each(['duckdb', 'sqlite'] as const)('views in %s', (dialect) => {
  it('match the simulator: sessions, ACUs, statuses, pull requests, users, weeks, insights, messages', async () => {
    const sessions = rows.sessions ?? [];
    await viewsOver(dialect, SESSION_STREAMS, 'all', async (query) => {
      const [totals] = await query(
        `SELECT count(*) AS sessions, sum(acus_consumed) AS acus, sum(prs) AS prs, sum(prs_merged) AS merged FROM session_facts`,
      );
      expect(n(totals?.sessions)).toBe(sessions.length);
      expect(n(totals?.acus)).toBeCloseTo(
        sessions.reduce((sum, s) => sum + Number(s.acus_consumed), 0),
        6,
      );
      const allPrs = sessions.flatMap(prsOf);
      expect(n(totals?.prs)).toBe(allPrs.length);
      const merged = allPrs.filter((pr) => pr.pr_state === 'merged').length;
      expect(merged).toBeGreaterThan(0);
      expect(n(totals?.merged)).toBe(merged);

      const statuses = await query(`SELECT status, count(*) AS n FROM session_facts GROUP BY status`);
      const expectedStatuses = sessions.reduce(
        (m, s) => tally(m, String(s.status)),
        new Map<string, number>(),
      );
      expect(new Map(statuses.map((r) => [String(r.status), n(r.n)]))).toEqual(expectedStatuses);

      const users = await query(`SELECT actor_type, actor_id, acus, prs_merged, sessions FROM user_activity`);
      const expectedAcus = sessions.reduce(
        (m, s) => tally(m, actorOf(s), Number(s.acus_consumed)),
        new Map<string, number>(),
      );
      expect(users).toHaveLength(expectedAcus.size);
      for (const user of users) {
        expect(n(user.acus)).toBeCloseTo(expectedAcus.get(String(user.actor_id ?? '')) ?? Number.NaN, 6);
      }
      const serviceUsers = users.filter((u) => u.actor_type === 'service_user').length;
      expect(serviceUsers).toBe(
        new Set(sessions.filter((s) => !s.user_id && s.service_user_id).map(actorOf)).size,
      );

      const weeks =
        await query(`SELECT CAST(week_start AS VARCHAR) AS week, sum(acus) AS acus, sum(sessions) AS n
        FROM acu_by_week GROUP BY 1`);
      const expectedWeeks = sessions.reduce(
        (m, s) => tally(m, isoWeekMonday(Number(s.created_at)), Number(s.acus_consumed)),
        new Map<string, number>(),
      );
      expect(new Set(weeks.map((w) => String(w.week)))).toEqual(new Set(expectedWeeks.keys()));
      for (const week of weeks)
        expect(n(week.acus)).toBeCloseTo(expectedWeeks.get(String(week.week)) ?? Number.NaN, 6);
      expect(weeks.reduce((sum, w) => sum + n(w.n), 0)).toBe(sessions.length);

      const outcomes = await query(`SELECT session_id, pr_url, pr_state FROM pr_outcomes`);
      const key = (r: { session_id?: unknown; pr_url?: unknown; pr_state?: unknown }): string =>
        JSON.stringify([r.session_id, r.pr_url, r.pr_state ?? null]);
      expect(outcomes.map(key).sort()).toEqual(
        sessions.flatMap((s) => prsOf(s).map((pr) => key({ session_id: s.session_id, ...pr }))).sort(),
      );
      // Every view's category is the session's own, else the insights' one: session_facts,
      // pr_outcomes and acu_by_week alike (session_category keeps the session's own).
      const [wrong] = await query(`SELECT count(*) AS n FROM session_facts
        WHERE category IS DISTINCT FROM coalesce(session_category, analysis_category)`);
      expect(n(wrong?.n)).toBe(0);
      const [mismatch] = await query(`SELECT count(*) AS n FROM pr_outcomes o
        JOIN session_facts f ON f.session_id = o.session_id
        WHERE o.category IS DISTINCT FROM coalesce(f.session_category, f.analysis_category)`);
      expect(n(mismatch?.n)).toBe(0);
      const [fallback] = await query(`SELECT count(*) AS n FROM pr_outcomes o
        JOIN session_facts f ON f.session_id = o.session_id
        WHERE f.session_category IS NULL AND o.category IS NOT NULL`);
      expect(n(fallback?.n)).toBeGreaterThan(0);
      const weekly = await query(`SELECT category, sum(sessions) AS n FROM acu_by_week GROUP BY category`);
      const perCategory = await query(`SELECT category, count(*) AS n FROM session_facts GROUP BY category`);
      const byCategory = (list: { category?: unknown; n?: unknown }[]) =>
        Object.fromEntries(list.map((row) => [String(row.category ?? null), n(row.n)]));
      expect(byCategory(weekly)).toEqual(byCategory(perCategory));

      await checkPerSession(query, rows);
    });
  });

  it('work from sessions alone: insight and message columns are NULL, figures unchanged', async () => {
    const sessions = rows.sessions ?? [];
    await viewsOver(dialect, ['sessions'], 'sessions-only', async (query) => {
      const [row] =
        await query(`SELECT count(*) AS n, count(session_size) AS sized, count(messages_synced) AS counted,
          count(analysis_category) AS analysed, sum(prs_merged) AS merged FROM session_facts`);
      expect([n(row?.n), n(row?.sized), n(row?.counted), n(row?.analysed)]).toEqual([
        sessions.length,
        0,
        0,
        0,
      ]);
      expect(n(row?.merged)).toBe(sessions.flatMap(prsOf).filter((pr) => pr.pr_state === 'merged').length);
      for (const view of VIEW_NAMES) await query(`SELECT * FROM ${view}`);
    });
  });

  it('work from sessions_insights alone', async () => {
    const insights = rows.sessions_insights ?? [];
    await viewsOver(dialect, ['sessions_insights'], 'insights-only', async (query) => {
      const [row] = await query(
        `SELECT count(*) AS n, count(session_size) AS sized, sum(acus_consumed) AS acus FROM session_facts`,
      );
      expect(n(row?.n)).toBe(insights.length);
      expect(n(row?.sized)).toBe(insights.filter((i) => i.session_size != null).length);
      expect(n(row?.acus)).toBeCloseTo(
        insights.reduce((sum, s) => sum + Number(s.acus_consumed), 0),
        6,
      );
    });
  });

  it('can be created twice, and as TEMP views filtered by a start date', async () => {
    const sessions = rows.sessions ?? [];
    const times = sessions.map((s) => Number(s.created_at)).sort((a, b) => a - b);
    const since = Math.floor((times[Math.floor(times.length / 2)] ?? 0) / 86_400) * 86_400;
    const expected = sessions.filter((s) => Number(s.created_at) >= since);
    const tables = new Set(['sessions', 'sessions_insights']);
    const path = join(dir, `since.${dialect}`);
    await syncDatabase(dialect, path, sim, [...tables]);
    const statements = [
      ...viewStatements(dialect, tables),
      ...viewStatements(dialect, tables),
      ...viewStatements(dialect, tables, { temporary: true, since }),
    ];
    await withDatabase(dialect, path, statements, async (query) => {
      const [facts] = await query(`SELECT count(*) AS n, sum(acus_consumed) AS acus FROM session_facts`);
      expect(n(facts?.n)).toBe(expected.length);
      expect(n(facts?.n)).toBeLessThan(sessions.length);
      expect(n(facts?.acus)).toBeCloseTo(
        expected.reduce((sum, s) => sum + Number(s.acus_consumed), 0),
        6,
      );
      const [users] = await query(`SELECT sum(sessions) AS n FROM user_activity`);
      expect(n(users?.n)).toBe(expected.length);
      const [prs] = await query(`SELECT count(*) AS n FROM pr_outcomes`);
      expect(n(prs?.n)).toBe(expected.flatMap(prsOf).length);
    });
  });
});

describe('viewStatements', () => {
  it('creates nothing without a session table, and all four views in dependency order otherwise', () => {
    expect(viewStatements('duckdb', new Set(['playbooks', 'secrets']))).toEqual([]);
    const duck = viewStatements('duckdb', new Set(['sessions']));
    expect(duck.map((s) => /VIEW (\w+)/.exec(s)?.[1])).toEqual([...VIEW_NAMES]);
    expect(duck.every((s) => s.startsWith('CREATE OR REPLACE VIEW'))).toBe(true);
    const lite = viewStatements('sqlite', new Set(['sessions']), { temporary: true });
    expect(lite.filter((s) => s.startsWith('DROP VIEW IF EXISTS temp.'))).toHaveLength(4);
    expect(lite.filter((s) => s.startsWith('CREATE TEMP VIEW'))).toHaveLength(4);
  });

  it('refuses a start date that is not an integer (the only value spliced into SQL)', () => {
    expect(() => viewStatements('sqlite', new Set(['sessions']), { since: 1.5 })).toThrow(RangeError);
  });
});

/** Every session's insight and message columns against the simulator's insights and messages. */
async function checkPerSession(query: Query, all: StreamRows): Promise<void> {
  const insights = new Map((all.sessions_insights ?? []).map((i) => [String(i.session_id), i]));
  const messages = (all.session_messages ?? []).reduce(
    (m, r) => tally(m, String(r.session_id)),
    new Map<string, number>(),
  );
  const facts =
    await query(`SELECT session_id, session_size, num_messages, analysis_category, messages_synced,
      CAST(created_week AS VARCHAR) AS week, created_at FROM session_facts`);
  for (const fact of facts) {
    const id = String(fact.session_id);
    const insight = insights.get(id);
    const analysis = insight?.analysis as
      | { classification?: { category?: string | null } | null }
      | null
      | undefined;
    expect({
      size: fact.session_size ?? null,
      messages: n(fact.num_messages),
      category: fact.analysis_category ?? null,
      synced: n(fact.messages_synced),
    }).toEqual({
      size: insight?.session_size ?? null,
      messages: Number(insight?.num_user_messages) + Number(insight?.num_devin_messages),
      category: analysis?.classification?.category ?? null,
      synced: messages.get(id) ?? 0,
    });
  }
  expect(facts.some((f) => n(f.messages_synced) > 0)).toBe(true);
}
