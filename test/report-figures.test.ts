/**
 * The report's figures (computed by the page's engine from the embedded data) against SQL run in the
 * test on the same database, for both engines: totals, cost, people, playbooks, the granularity switch.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../src/report/client/engine.js';
import { markPartial } from '../src/report/client/period.js';
import type { Payload, ViewChoice } from '../src/report/payload.js';
import { viewStatements } from '../src/report/views.js';
import { writeReport } from '../src/report/write-report.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { tempDir } from './helpers/temp-dir.js';
import { writeFixture } from './report-fixtures.js';
import { type Query, syncDatabase, withDatabase } from './report-helpers.js';

const PRICE = 2.25;
const ALL: ViewChoice = { period: 'all', from: null, to: null, actor: -1, origin: -1, category: -1 };
const TABLES = new Set(['sessions', 'sessions_insights', 'playbooks']);
let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, sessions: 240, messagesPerSession: 0 });
  dir = tempDir('report-figures-');
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const n = (value: unknown): number => Number(value ?? 0);

/** SQL for the UTC day (days since 1970) of a session and for a billing `date`, per engine. */
const sqlFor = (dialect: 'duckdb' | 'sqlite') => ({
  sessionDay: dialect === 'duckdb' ? 'CAST(epoch(created_at) AS BIGINT) // 86400' : 'created_at / 86400',
  bucket: (granularity: 'day' | 'week' | 'month'): string =>
    dialect === 'duckdb'
      ? granularity === 'month'
        ? `strftime(date AT TIME ZONE 'UTC', '%Y-%m')`
        : granularity === 'week'
          ? `strftime(date_trunc('week', date AT TIME ZONE 'UTC'), '%Y-%m-%d')`
          : `strftime(date AT TIME ZONE 'UTC', '%Y-%m-%d')`
      : granularity === 'month'
        ? `strftime('%Y-%m', date, 'unixepoch')`
        : granularity === 'week'
          ? `date(date, 'unixepoch', 'weekday 0', '-6 days')`
          : `date(date, 'unixepoch')`,
});

const fixtures = new Map<string, Promise<{ path: string; payload: Payload }>>();

/** One database and report per engine, shared by the tests (none of them writes to it). */
function fixture(dialect: 'duckdb' | 'sqlite'): Promise<{ path: string; payload: Payload }> {
  const cached = fixtures.get(dialect);
  if (cached) return cached;
  const made = (async () => {
    const path = join(dir, `billed.${dialect}`);
    await writeFixture(dialect, path, sim);
    const out = join(dir, `billed-${dialect}.html`);
    return { path, payload: await writeReport({ database: path, out, acuPrice: String(PRICE) }) };
  })();
  fixtures.set(dialect, made);
  return made;
}

async function lastDay(query: Query, sessionDay: string): Promise<number> {
  const [row] = await query(`SELECT max(d) AS d FROM (SELECT ${sessionDay} AS d FROM sessions
    UNION ALL SELECT date // 86400 AS d FROM consumption_daily UNION ALL SELECT date // 86400 FROM consumption_by_user) t`);
  return n(row?.d);
}

describe.each(['duckdb', 'sqlite'] as const)('figures on %s', (dialect) => {
  const sql = sqlFor(dialect);
  // A billing `date` is a time column: TIMESTAMPTZ in DuckDB (its epoch seconds here), epoch seconds in SQLite.
  const div = (q: string): string =>
    dialect === 'sqlite'
      ? q.replaceAll('//', '/')
      : q.replaceAll('date // 86400', 'CAST(epoch(date) AS BIGINT) // 86400');

  it('totals, billed cost, cost per merged PR and per active user match SQL, for all and the last 30 days', async () => {
    const { path, payload } = await fixture(dialect);
    await withDatabase(dialect, path, viewStatements(dialect, TABLES), async (query) => {
      const q = (text: string) => query(div(text));
      const end = await lastDay(q, sql.sessionDay);
      for (const [choice, start] of [
        [ALL, 0],
        [{ ...ALL, period: '30' }, end - 29],
      ] as const) {
        const f = ENGINE.computeView(ENGINE, payload, choice);
        const [billed] = await q(`SELECT sum(acus) AS acus FROM consumption_daily
          WHERE date // 86400 BETWEEN ${start} AND ${end}`);
        const [facts] = await q(`SELECT count(*) AS sessions, sum(prs_merged) AS merged, sum(prs) AS prs
          FROM session_facts WHERE ${sql.sessionDay} BETWEEN ${start} AND ${end}`);
        const [active] = await q(`SELECT count(*) AS n FROM (
            SELECT user_id FROM session_facts WHERE user_id IS NOT NULL AND ${sql.sessionDay} BETWEEN ${start} AND ${end}
            UNION SELECT user_id FROM consumption_by_user WHERE acus > 0 AND date // 86400 BETWEEN ${start} AND ${end}) t`);
        expect(f.source).toBe('billed');
        expect(f.acus).toBeCloseTo(n(billed?.acus), 6);
        expect(f.cost).toBeCloseTo(n(billed?.acus) * PRICE, 6);
        expect(f.sessions.sessions).toBe(n(facts?.sessions));
        expect(f.sessions.merged).toBe(n(facts?.merged));
        expect(f.mergeRate).toBeCloseTo(n(facts?.merged) / n(facts?.prs), 9);
        expect(f.activeUsers).toBe(n(active?.n));
        // The ratios cover only the days both billing and sessions have: never billed ACUs of one
        // span over merged PRs or users of another.
        const [spans] = await q(`SELECT
            (SELECT min(date // 86400) FROM consumption_daily) AS b0, (SELECT max(date // 86400) FROM consumption_daily) AS b1,
            (SELECT min(${sql.sessionDay}) FROM session_facts) AS s0, (SELECT max(${sql.sessionDay}) FROM session_facts) AS s1`);
        const [from, to] = [
          Math.max(start, n(spans?.b0), n(spans?.s0)),
          Math.min(end, n(spans?.b1), n(spans?.s1)),
        ];
        const [jointBilled] = await q(`SELECT sum(acus) AS acus FROM consumption_daily
          WHERE date // 86400 BETWEEN ${from} AND ${to}`);
        const [jointFacts] = await q(`SELECT sum(prs_merged) AS merged FROM session_facts
          WHERE ${sql.sessionDay} BETWEEN ${from} AND ${to}`);
        const [jointActive] = await q(`SELECT count(*) AS n FROM (
            SELECT user_id FROM session_facts WHERE user_id IS NOT NULL AND ${sql.sessionDay} BETWEEN ${from} AND ${to}
            UNION SELECT user_id FROM consumption_by_user WHERE acus > 0 AND date // 86400 BETWEEN ${from} AND ${to}) t`);
        expect(f.ratioWindow).toMatchObject({ start: from, end: to });
        expect(f.perMergedPr).toBeCloseTo(n(jointBilled?.acus) / n(jointFacts?.merged), 6);
        expect(f.perActiveUser).toBeCloseTo(n(jointBilled?.acus) / n(jointActive?.n), 6);
      }
      // The fixture's sessions and billing cover different spans: "all" must not divide across them.
      const all = ENGINE.computeView(ENGINE, payload, ALL);
      expect(all.ratioWindow?.start).not.toBe(all.period.start);
      const f30 = ENGINE.computeView(ENGINE, payload, { ...ALL, period: '30' });
      const [previous] = await q(`SELECT sum(acus) AS acus FROM consumption_daily
        WHERE date // 86400 BETWEEN ${end - 59} AND ${end - 30}`);
      expect(f30.previous?.acus).toBeCloseTo(n(previous?.acus), 6);
      expect(f30.previous?.change).toBeCloseTo((f30.acus - n(previous?.acus)) / n(previous?.acus), 9);
      expect(ENGINE.computeView(ENGINE, payload, ALL).previous).toBeNull();
    });
  });

  it('cost by outcome: sessions and their ACUs per outcome match SQL, and the shares add up', async () => {
    const { path, payload } = await fixture(dialect);
    await withDatabase(dialect, path, viewStatements(dialect, TABLES), async (query) => {
      const f = ENGINE.computeView(ENGINE, payload, ALL);
      const rows = await query(`SELECT CASE
          WHEN prs_merged > 0 THEN 'merged PR'
          WHEN status IN ('error', 'suspended') THEN 'failed or stopped'
          WHEN prs > 0 THEN 'PR not merged'
          ELSE 'no PR' END AS outcome, count(*) AS n, sum(acus_consumed) AS acus
        FROM session_facts GROUP BY 1`);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const row of rows) {
        const shown = f.outcomes.find((outcome) => outcome.label === row.outcome);
        expect(shown?.sessions, String(row.outcome)).toBe(n(row.n));
        expect(shown?.acus).toBeCloseTo(n(row.acus), 6);
      }
      const shares = f.outcomes.reduce((sum, outcome) => sum + (outcome.share ?? 0), 0);
      expect(shares).toBeCloseTo(1, 9);
    });
  });

  it("an origin filter estimates from sessions; a user filter uses that member's billing", async () => {
    const { path, payload } = await fixture(dialect);
    await withDatabase(dialect, path, viewStatements(dialect, TABLES), async (query) => {
      const origin = payload.dims.origin.indexOf('slack');
      const byOrigin = ENGINE.computeView(ENGINE, payload, { ...ALL, origin });
      const [slack] = await query(
        `SELECT sum(acus_consumed) AS acus, count(*) AS n FROM session_facts WHERE origin = 'slack'`,
      );
      expect(byOrigin.source).toBe('estimated');
      expect(byOrigin.acus).toBeCloseTo(n(slack?.acus), 6);
      expect(byOrigin.sessions.sessions).toBe(n(slack?.n));

      const [top] = await query(`SELECT user_id, sum(acus) AS acus FROM consumption_by_user
        GROUP BY user_id ORDER BY sum(acus) DESC, user_id LIMIT 1`);
      const actor = payload.actors.id.indexOf(String(top?.user_id));
      const byUser = ENGINE.computeView(ENGINE, payload, { ...ALL, actor });
      expect(byUser.source).toBe('user');
      expect(byUser.acus).toBeCloseTo(n(top?.acus), 6);
      expect(byUser.people.map((p) => p.actor)).toEqual([actor]);
    });
  });

  it('people: users by billed ACUs, named by name, else email, else id; service users apart; the unattributed share', async () => {
    const { path, payload } = await fixture(dialect);
    await withDatabase(dialect, path, viewStatements(dialect, TABLES), async (query) => {
      const f = ENGINE.computeView(ENGINE, payload, ALL);
      const rows = await query(`SELECT coalesce(u.name, u.email, c.user_id) AS label, sum(c.acus) AS acus
        FROM consumption_by_user c LEFT JOIN users u ON u.user_id = c.user_id GROUP BY 1 ORDER BY 2 DESC`);
      expect(f.peopleBilled).toBe(true);
      expect(f.people.length).toBeGreaterThanOrEqual(rows.length);
      const byLabel = new Map(f.people.map((p) => [p.label, p]));
      for (const row of rows) expect(byLabel.get(String(row.label))?.acus).toBeCloseTo(n(row.acus), 6);
      expect(f.people.slice(0, 15).map((p) => p.acus)).toEqual(
        rows.slice(0, 15).map((r) => expect.closeTo(n(r.acus), 6)),
      );
      const [count] = await query(`SELECT count(*) AS n FROM (SELECT user_id FROM session_facts
        WHERE user_id IS NOT NULL UNION SELECT user_id FROM consumption_by_user WHERE acus > 0) t`);
      expect(f.peopleCount).toBe(n(count?.n));
      const activity =
        await query(`SELECT coalesce(u.name, u.email, s.user_id) AS label, count(*) AS sessions,
          sum(s.prs_merged) AS merged, sum(s.prs) AS prs
        FROM session_facts s LEFT JOIN users u ON u.user_id = s.user_id WHERE s.user_id IS NOT NULL GROUP BY 1`);
      for (const row of activity) {
        const person = byLabel.get(String(row.label));
        expect([person?.sessions, person?.merged, person?.prs]).toEqual([
          n(row.sessions),
          n(row.merged),
          n(row.prs),
        ]);
      }
      const labels = new Set(f.people.map((p) => p.label));
      const [named] = await query(`SELECT count(*) AS n FROM users WHERE name IS NOT NULL`);
      expect([...labels].filter((l) => l.startsWith('Member ')).length).toBe(n(named?.n));
      const services =
        await query(`SELECT service_user_id AS id, count(*) AS sessions, sum(acus_consumed) AS acus
        FROM session_facts WHERE user_id IS NULL AND service_user_id IS NOT NULL GROUP BY 1`);
      expect(new Map(f.serviceUsers.map((s) => [s.label, s.sessions]))).toEqual(
        new Map(services.map((s) => [`${s.id} (service user)`, n(s.sessions)])),
      );
      const [totals] = await query(`SELECT (SELECT sum(acus) FROM consumption_daily) AS org,
        (SELECT sum(acus) FROM consumption_by_user) AS members`);
      expect(f.unattributed).toBeCloseTo((n(totals?.org) - n(totals?.members)) / n(totals?.org), 9);
    });
  });

  it('playbooks: sessions, ACUs and merge rate per playbook, by title', async () => {
    const { path, payload } = await fixture(dialect);
    await withDatabase(dialect, path, viewStatements(dialect, TABLES), async (query) => {
      const f = ENGINE.computeView(ENGINE, payload, ALL);
      const rows = await query(`SELECT p.title AS title, count(*) AS sessions, sum(s.acus_consumed) AS acus,
          sum(s.prs_merged) AS merged, sum(s.prs) AS prs
        FROM session_facts s JOIN playbooks p ON p.playbook_id = s.playbook_id GROUP BY p.title`);
      expect(rows.length).toBeGreaterThan(2);
      expect(f.playbooks).toHaveLength(rows.length);
      const byTitle = new Map(f.playbooks.map((p) => [p.title, p]));
      for (const row of rows) {
        const found = byTitle.get(String(row.title));
        expect(found?.sessions, String(row.title)).toBe(n(row.sessions));
        expect(found?.acus).toBeCloseTo(n(row.acus), 6);
        expect(found?.mergeRate ?? null).toEqual(
          n(row.prs) > 0 ? expect.closeTo(n(row.merged) / n(row.prs), 9) : null,
        );
      }
      const [none] = await query(`SELECT count(*) AS n FROM session_facts WHERE playbook_id IS NULL`);
      expect(f.noPlaybookSessions).toBe(n(none?.n));
    });
  });

  it('spend over time: days up to two months, weeks up to half a year, months beyond, per product', async () => {
    const { path, payload } = await fixture(dialect);
    await withDatabase(dialect, path, [], async (query) => {
      const q = (text: string) => query(div(text));
      const end = await lastDay(q, sql.sessionDay);
      const cases = [
        [{ ...ALL, period: '30' }, 'day', end - 29],
        [{ ...ALL, period: '90' }, 'week', end - 89],
        [{ ...ALL, period: 'custom', from: end - 200, to: end }, 'month', end - 200],
        [ALL, 'month', 0],
      ] as const;
      for (const [choice, granularity, start] of cases) {
        const f = ENGINE.computeView(ENGINE, payload, choice);
        expect(f.period.granularity).toBe(granularity);
        const rows =
          await q(`SELECT ${sql.bucket(granularity)} AS bucket, sum(acus) AS acus, sum(acus_devin) AS devin,
            sum(acus_review) AS review FROM consumption_daily WHERE date // 86400 BETWEEN ${start} AND ${end} GROUP BY 1`);
        const series = (name: string) => f.spend.series.find((s) => s.name === name)?.values ?? [];
        const labels = f.spend.labels.map((label) => label.replace(/ \(partial\)$/, ''));
        // A month the period ends inside is labelled partial.
        if (granularity === 'month') {
          const cut = ENGINE.dayText(end + 1).slice(0, 7) === labels.at(-1);
          expect(f.spend.labels.at(-1)?.endsWith(' (partial)')).toBe(cut);
        }
        for (const row of rows) {
          const i = labels.indexOf(String(row.bucket));
          expect(i, `${granularity} ${row.bucket}`).toBeGreaterThanOrEqual(0);
          const total = f.spend.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0);
          expect(total).toBeCloseTo(n(row.acus), 6);
          expect(series('devin')[i]).toBeCloseTo(n(row.devin), 6);
          expect(series('review')[i]).toBeCloseTo(n(row.review), 6);
        }
        const billed = f.spend.series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);
        expect(billed).toBeCloseTo(
          rows.reduce((sum, r) => sum + n(r.acus), 0),
          6,
        );
      }
    });
  });
});

describe.each(['duckdb', 'sqlite'] as const)('figures synced from the simulator into %s', (dialect) => {
  it('billed cost, people by name and the unattributed share match SQL on what sync wrote', async () => {
    const path = join(dir, `synced.${dialect}`);
    await syncDatabase(dialect, path, sim, [
      'sessions',
      'playbooks',
      'users',
      'consumption_daily',
      'consumption_by_user',
    ]);
    const payload = await writeReport({
      database: path,
      out: join(dir, `synced-${dialect}.html`),
      acuPrice: '3',
    });
    const f = ENGINE.computeView(ENGINE, payload, ALL);
    await withDatabase(dialect, path, [], async (query) => {
      const [org] = await query('SELECT sum(acus) AS acus FROM consumption_daily');
      const [members] = await query('SELECT sum(acus) AS acus FROM consumption_by_user');
      expect(n(org?.acus)).toBeGreaterThan(0);
      expect(f.source).toBe('billed');
      expect(f.cost).toBeCloseTo(n(org?.acus) * 3, 4);
      expect(f.unattributed).toBeCloseTo((n(org?.acus) - n(members?.acus)) / n(org?.acus), 6);
      const top =
        await query(`SELECT c.user_id AS id, coalesce(max(u.name), max(u.email), c.user_id) AS label,
          sum(c.acus) AS acus
        FROM consumption_by_user c LEFT JOIN users u ON u.user_id = c.user_id
        GROUP BY c.user_id HAVING sum(c.acus) > 0 ORDER BY sum(c.acus) DESC LIMIT 5`);
      expect(f.people.slice(0, 5).map((p) => [payload.actors.id[p.actor], p.acus])).toEqual(
        top.map((r) => [String(r.id), expect.closeTo(n(r.acus), 6)]),
      );
      // Named members show by name; two members with one name are told apart.
      for (const [i, row] of top.entries())
        expect(f.people[i]?.label.startsWith(String(row.label))).toBe(true);
      const labels = payload.actors.label.filter((_, a) => payload.actors.kind[a] === 0);
      expect(new Set(labels).size).toBe(labels.length);
    });
  });
});

describe('partial buckets', () => {
  const day = (text: string) => ENGINE.textDay(text) ?? 0;
  it('a week or month the period cuts, and a day still accruing, are labelled partial', () => {
    const weeks = markPartial(
      ['2026-11-02', '2026-11-09'],
      day('2026-11-04'),
      day('2026-11-15'),
      'week',
      null,
    );
    expect(weeks).toEqual(['2026-11-02 (partial)', '2026-11-09']);
    const months = markPartial(['2026-10', '2026-11'], day('2026-10-01'), day('2026-11-20'), 'month', null);
    expect(months).toEqual(['2026-10', '2026-11 (partial)']);
    const days = ['2026-11-19', '2026-11-20'];
    expect(markPartial(days, day('2026-11-19'), day('2026-11-20'), 'day', day('2026-11-20'))).toEqual([
      '2026-11-19',
      '2026-11-20 (partial)',
    ]);
    expect(markPartial(days, day('2026-11-19'), day('2026-11-20'), 'day', day('2026-12-01'))).toEqual(days);
  });
});
