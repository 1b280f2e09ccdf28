import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNOWNED_LABEL } from '../src/report/enterprise-views.js';
import { type Dialect, viewStatements } from '../src/report/views.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import {
  BILLED_DAYS,
  CYCLE_DAYS,
  CYCLES,
  categoryRows,
  DAY,
  ENTERPRISE_TABLES,
  type EnterpriseTable,
  enterpriseDays,
  enterpriseStatements,
  FIRST_DAY,
  LIMITS,
  ORGS,
  orgDays,
} from './enterprise-fixture.js';
import { suiteTempDir } from './helpers/temp-dir.js';
import { type Query, simulatorRows, withDatabase, writeDatabase } from './report-helpers.js';

const ORG_OF = ['org-alpha', 'org-beta', 'org-gamma', 'org-deleted'];
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const n = (value: unknown) => Number(value);
/** A time column's value as epoch seconds: DuckDB's TIMESTAMPTZ reads back as a Date or milliseconds. */
const secs = (value: unknown) =>
  value instanceof Date ? value.getTime() / 1000 : n(value) > 1e11 ? n(value) / 1000 : n(value);
type Row = Record<string, unknown>;
/** A DATE as DuckDB (a Date) or SQLite (text) returns it. */
const dayText = (value: unknown) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
const dir = suiteTempDir('report-enterprise-views-');
let sim: Simulator;
let sessions: JsonObject[];

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, sessions: 60, messagesPerSession: 0 });
  sessions = (simulatorRows(sim, ['sessions']).sessions ?? []).map((session, i) => ({
    ...session,
    org_id: ORG_OF[i % ORG_OF.length] ?? null,
  }));
});
afterAll(() => sim.close());

let counter = 0;
/** A database with the sessions, the given enterprise tables and the views over them. */
async function enterprise(
  dialect: Dialect,
  tables: readonly EnterpriseTable[],
  check: (query: Query, views: ReadonlySet<string>) => Promise<void>,
): Promise<void> {
  counter += 1;
  const path = join(dir, `e${counter}.${dialect}`);
  await writeDatabase(dialect, path, { sessions });
  const present = new Set(['sessions', ...tables]);
  const views = viewStatements(dialect, present);
  const names = new Set(views.flatMap((sql) => /VIEW (\w+) AS/.exec(sql)?.[1] ?? []));
  await withDatabase(dialect, path, [...enterpriseStatements(dialect, tables), ...views], (query) =>
    check(query, names),
  );
}

describe.each(['duckdb', 'sqlite'] as const)('enterprise views in %s', (dialect) => {
  it('session_facts carries each session’s org_id and its organization’s name', async () => {
    await enterprise(dialect, ENTERPRISE_TABLES, async (query) => {
      const rows = await query('SELECT session_id, org_id, org_name FROM session_facts');
      expect(rows.length).toBe(sessions.length);
      const byId = new Map(sessions.map((s) => [String(s.session_id), s]));
      for (const row of rows) {
        const org = byId.get(String(row.session_id))?.org_id;
        expect(row.org_id).toBe(org);
        expect(row.org_name ?? null).toBe(ORGS.find((o) => o.org_id === org)?.name ?? null);
      }
      expect(rows.filter((row) => row.org_name === null).length).toBe(sessions.length / 4);
    });
  });

  it('org_spend: each org’s billed days, and the unowned share is the total less the orgs', async () => {
    await enterprise(dialect, ENTERPRISE_TABLES, async (query) => {
      const rows = await query('SELECT * FROM org_spend ORDER BY billing_day_start, org_id');
      const orgs = orgDays();
      const owned = rows.filter((row) => row.org_id !== null);
      expect(owned.length).toBe(orgs.length);
      for (const row of owned) {
        const want = orgs.find((o) => o.org_id === row.org_id && o.date === secs(row.billing_day_start));
        expect(n(row.acus)).toBeCloseTo(want?.acus ?? Number.NaN, 9);
        expect(Boolean(row.owned)).toBe(true);
        expect(row.org_name).toBe(ORGS.find((o) => o.org_id === row.org_id)?.name);
      }
      const unowned = rows.filter((row) => row.org_id === null);
      expect(unowned.length).toBe(BILLED_DAYS);
      for (const day of enterpriseDays()) {
        const row = unowned.find((r) => secs(r.billing_day_start) === day.date);
        const theirs = orgs.filter((o) => o.date === day.date);
        expect(row?.org_name).toBe(UNOWNED_LABEL);
        expect(Boolean(row?.owned)).toBe(false);
        expect(n(row?.acus)).toBeCloseTo(day.acus - sum(theirs.map((o) => o.acus)), 9);
        expect(n(row?.acus_cascade)).toBeCloseTo(day.acus_cascade, 9);
        expect(n(row?.acus_devin)).toBeCloseTo(0, 9);
        expect(dayText(row?.billing_day)).toBe(new Date(day.date * 1000).toISOString().slice(0, 10));
      }
      const [total] = await query('SELECT sum(acus) AS acus FROM org_spend');
      expect(n(total?.acus)).toBeCloseTo(sum(enterpriseDays().map((d) => d.acus)), 6);
    });
  });

  it('cycle_budget: per cycle the enterprise and each org against its limit, burn and projection', async () => {
    await enterprise(dialect, ENTERPRISE_TABLES, async (query) => {
      const rows = await query('SELECT * FROM cycle_budget ORDER BY cycle_start, scope, org_id');
      expect(rows.length).toBe(CYCLES.length * (1 + ORGS.length));
      const enterpriseLimit = LIMITS[0].cycle_acu_limit;
      CYCLES.forEach((cycle, c) => {
        const inCycle = (d: { date: number }) => d.date >= cycle.after && d.date < cycle.before;
        const elapsed = c === 0 ? CYCLE_DAYS : BILLED_DAYS - CYCLE_DAYS;
        const expectRow = (row: Row | undefined, acus: number, limit: number | null) => {
          expect(n(row?.acus)).toBeCloseTo(acus, 6);
          expect(row?.acu_limit ?? null).toBe(limit);
          expect(n(row?.cycle_days)).toBe(CYCLE_DAYS);
          expect(n(row?.elapsed_days)).toBe(elapsed);
          const projected = acus + (acus / elapsed) * (CYCLE_DAYS - elapsed);
          expect(n(row?.projected_acus)).toBeCloseTo(projected, 6);
          if (limit === null) expect(row?.burn ?? null).toBeNull();
          else {
            expect(n(row?.burn)).toBeCloseTo(acus / limit, 9);
            expect(n(row?.projected_burn)).toBeCloseTo(projected / limit, 9);
          }
        };
        const ofCycle = rows.filter((row) => n(row.cycle_start) === cycle.after);
        expect(n(ofCycle[0]?.cycle_end)).toBe(cycle.before);
        const ent = ofCycle.find((row) => row.scope === 'enterprise');
        expectRow(
          ent,
          sum(
            enterpriseDays()
              .filter(inCycle)
              .map((d) => d.acus),
          ),
          enterpriseLimit,
        );
        for (const org of ORGS) {
          const row = ofCycle.find((r) => r.org_id === org.org_id);
          const own = LIMITS.find((l) => l.scope === 'org' && l.org_id === org.org_id)?.cycle_acu_limit;
          const spent = orgDays().filter((d) => d.org_id === org.org_id && inCycle(d));
          expect(row?.org_name).toBe(org.name);
          expectRow(row, sum(spent.map((d) => d.acus)), own ?? org.max_cycle_acu_limit);
        }
      });
    });
  });

  it('cycle_budget binds and agrees whether the cycle bounds are integers or (DuckDB) timestamps', async () => {
    const read = (query: Query) =>
      query(
        'SELECT cycle_start, cycle_end, scope, org_id, acus, elapsed_days FROM cycle_budget ORDER BY 1, 3, 4',
      );
    let integers: Row[] = [];
    await enterprise(dialect, ENTERPRISE_TABLES, async (query) => {
      integers = await read(query);
    });
    if (dialect === 'sqlite') return;
    counter += 1;
    const path = join(dir, `t${counter}.${dialect}`);
    await writeDatabase(dialect, path, { sessions });
    const tables = ENTERPRISE_TABLES.filter((t) => t !== 'billing_cycles');
    const statements = [
      ...enterpriseStatements(dialect, tables),
      'CREATE TABLE billing_cycles ("after" TIMESTAMPTZ PRIMARY KEY, "before" TIMESTAMPTZ)',
      ...CYCLES.map(
        (c) => `INSERT INTO billing_cycles VALUES (to_timestamp(${c.after}), to_timestamp(${c.before}))`,
      ),
      ...viewStatements(dialect, new Set(['sessions', ...ENTERPRISE_TABLES])),
    ];
    await withDatabase(dialect, path, statements, async (query) => {
      expect(await read(query)).toEqual(integers);
    });
    expect(integers.length).toBe(CYCLES.length * (1 + ORGS.length));
  });

  it('category_daily: one row per org, day, category and subcategory, figures as served', async () => {
    await enterprise(dialect, ENTERPRISE_TABLES, async (query) => {
      const rows = await query(
        'SELECT * FROM category_daily ORDER BY org_id, day_start, category, subcategory_id',
      );
      const want = categoryRows().flatMap((day) =>
        day.categories.flatMap((category) => {
          const subs = category.subcategories as JsonObject[];
          const base = { org_id: day.org_id, day_start: day.date, category: category.category };
          return subs.length === 0
            ? [{ ...base, subcategory_id: null, sessions: category.sessions_count, acus: category.acus }]
            : subs.map((s) => ({
                ...base,
                subcategory_id: s.subcategory_id,
                sessions: s.sessions_count,
                acus: s.acus,
              }));
        }),
      );
      const sortKey = (r: Row) =>
        `${r.org_id}|${String(r.day_start).padStart(12, '0')}|${r.category}|${r.subcategory_id ?? ''}`;
      want.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
      const got = rows
        .map((r) => ({
          org_id: r.org_id,
          day_start: secs(r.day_start),
          category: r.category,
          subcategory_id: r.subcategory_id ?? null,
          sessions: n(r.sessions),
          acus: n(r.acus),
        }))
        .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
      expect(got).toEqual(want);
      const alpha = rows.find((r) => r.org_id === 'org-alpha' && r.subcategory_id === 'bf-ui');
      expect(alpha?.org_name).toBe('Alpha');
      expect(alpha?.subcategory).toBe('UI bugs');
      expect(n(alpha?.category_acus)).toBe(12.5 + secs(alpha?.day_start) / DAY - FIRST_DAY);
    });
  });

  it('daily_adoption sums the organizations’ rows of a day (an enterprise has one per org and day)', async () => {
    const int = dialect === 'duckdb' ? 'BIGINT' : 'INTEGER';
    const text = dialect === 'duckdb' ? 'VARCHAR' : 'TEXT';
    const time = dialect === 'duckdb' ? 'TIMESTAMPTZ' : 'INTEGER';
    const at = (seconds: number) => (dialect === 'duckdb' ? `to_timestamp(${seconds})` : String(seconds));
    const day = FIRST_DAY * DAY;
    const rows = ORGS.flatMap((org, o) =>
      [0, 1].map(
        (n) => `('${org.org_id}', 'day', ${at(day + n * DAY)}, ${at(day + (n + 1) * DAY)}, ${3 + o + n})`,
      ),
    );
    const statements = [
      `CREATE TABLE metrics_active_users (org_id ${text}, period ${text}, start_time ${time}, end_time ${time}, active_users ${int})`,
      `INSERT INTO metrics_active_users VALUES ${rows.join(', ')}`,
      `INSERT INTO metrics_active_users VALUES ('org-alpha', 'week', ${at(day)}, ${at(day + 7 * DAY)}, 40)`,
      ...viewStatements(dialect, new Set(['sessions', 'metrics_active_users'])),
    ];
    counter += 1;
    const path = join(dir, `a${counter}.${dialect}`);
    await writeDatabase(dialect, path, { sessions });
    await withDatabase(dialect, path, statements, async (query) => {
      const got = await query('SELECT day_start, active_users FROM daily_adoption ORDER BY day_start');
      expect(got.map((row) => [secs(row.day_start), n(row.active_users)])).toEqual([
        [day, 3 + 4 + 5],
        [day + DAY, 4 + 5 + 6],
      ]);
    });
  });

  it('an org database has none of them, and session_facts’ org_name is NULL', async () => {
    await enterprise(dialect, [], async (query, views) => {
      for (const name of ['org_spend', 'cycle_budget', 'category_daily']) expect(views.has(name)).toBe(false);
      const rows = await query('SELECT org_id, org_name FROM session_facts');
      expect(rows.length).toBe(sessions.length);
      expect(rows.every((row) => row.org_name === null)).toBe(true);
      expect(rows.filter((row) => row.org_id === 'org-beta').length).toBe(sessions.length / 4);
    });
  });

  it('partial enterprise tables: each view from what exists, typed NULLs for the rest', async () => {
    await enterprise(
      dialect,
      ['consumption_by_org', 'billing_cycles', 'metrics_categories'],
      async (query, views) => {
        expect(
          [...views].filter((v) => ['org_spend', 'cycle_budget', 'category_daily'].includes(v)).sort(),
        ).toEqual(['category_daily', 'cycle_budget', 'org_spend']);
        const spend = await query('SELECT * FROM org_spend');
        expect(spend.length).toBe(orgDays().length);
        expect(spend.every((row) => row.org_name === null)).toBe(true);
        const budget = await query('SELECT * FROM cycle_budget');
        expect(budget.length).toBe(CYCLES.length * ORGS.length);
        expect(budget.every((row) => row.acu_limit === null && row.burn === null)).toBe(true);
        const categories = await query('SELECT count(*) AS n FROM category_daily WHERE org_name IS NULL');
        expect(n(categories[0]?.n)).toBe(categoryRows().length * 3);
      },
    );
  });
});
