/**
 * The report on an enterprise database and on an organization database, with and without consumption
 * and metrics: every variant renders, and the enterprise figures (billing cycle, spend by organization
 * and repository, adoption) equal sums computed here from the rows written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../src/report/client/engine.js';
import { openReadOnly } from '../src/report/database.js';
import { UNOWNED_LABEL } from '../src/report/enterprise-views.js';
import { loadExtras } from '../src/report/extra-payload.js';
import { type Dialect, viewStatements } from '../src/report/views.js';
import { repositoryOf } from '../src/report/window-spend.js';
import { writeReport } from '../src/report/write-report.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import {
  BILLED_DAYS,
  CYCLES,
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
import { simulatorRows, withDatabase, writeDatabase } from './report-helpers.js';

const PRICE = 2;
const NOW = new Date((FIRST_DAY + BILLED_DAYS) * DAY * 1000 + 10 * 3600 * 1000);
const LAST_DAY = FIRST_DAY + BILLED_DAYS - 1;
/** The page opens on the last 30 days ending on the last day with data. */
const WINDOW = { start: LAST_DAY - 29, end: LAST_DAY };
const ORG_OF = ['org-alpha', 'org-beta', 'org-gamma', 'org-deleted'];
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const dayOfDate = (date: number) => Math.floor(date / DAY);
const dir = suiteTempDir('report-enterprise-');
let sim: Simulator;
let sessions: JsonObject[];

beforeAll(async () => {
  sim = await startSimulator({ seed: 13, sessions: 90, messagesPerSession: 0, schedules: 8 });
  sessions = (simulatorRows(sim, ['sessions']).sessions ?? []).map((session, i) => ({
    ...session,
    org_id: ORG_OF[i % ORG_OF.length] ?? null,
    created_at: (FIRST_DAY + (i % BILLED_DAYS)) * DAY + (i % 20) * 3600,
  }));
});
afterAll(() => sim.close());

function activeUserRows(): JsonObject[] {
  return Array.from({ length: BILLED_DAYS }, (_, n) => ({
    period: 'day',
    start_time: (FIRST_DAY + n) * DAY,
    end_time: (FIRST_DAY + n + 1) * DAY,
    active_users: 3 + (n % 4),
  }));
}

interface Variant {
  name: string;
  tables: readonly EnterpriseTable[];
  metrics: boolean;
}
const VARIANTS: readonly Variant[] = [
  { name: 'enterprise, everything', tables: ENTERPRISE_TABLES, metrics: true },
  { name: 'enterprise, no consumption or metrics', tables: ['organizations'], metrics: false },
  { name: 'organization, no consumption or metrics', tables: [], metrics: false },
  { name: 'organization, consumption and metrics', tables: ['consumption_daily'], metrics: true },
];

let counter = 0;
async function database(dialect: Dialect, variant: Variant): Promise<string> {
  counter += 1;
  const path = join(dir, `r${counter}.${dialect}`);
  await writeDatabase(dialect, path, {
    sessions,
    ...(variant.metrics ? { metrics_active_users: activeUserRows(), schedules: sim.schedules() } : {}),
  });
  await withDatabase(dialect, path, enterpriseStatements(dialect, variant.tables), async () => {});
  return path;
}

const panel = (html: string, id: string): string =>
  new RegExp(`<section class="panel[^"]*" id="${id}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? '';

function summaryOf(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="devin-tap-summary">(.*?)<\/script>/s.exec(html);
  return JSON.parse(match?.[1] ?? 'null') as Record<string, unknown>;
}

describe.each(['duckdb', 'sqlite'] as const)('the report on %s', (dialect) => {
  for (const variant of VARIANTS) {
    it(`renders an ${variant.name} database`, async () => {
      const path = await database(dialect, variant);
      const out = `${path}.html`;
      await writeReport({ database: path, out, acuPrice: String(PRICE), now: NOW });
      const html = readFileSync(out, 'utf8');
      const summary = summaryOf(html);
      const enterprise = variant.tables.includes('consumption_by_org');
      const cards = /<section class="cards" id="cards"[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
      expect(cards.match(/class="card"/g)?.length).toBe(8);
      expect(panel(html, 'org-spend') !== '').toBe(enterprise);
      expect(panel(html, 'billing-cycle') !== '').toBe(enterprise);
      expect(summary.cycle === null).toBe(!enterprise);
      expect(panel(html, 'repo-spend')).toContain('<table>');
      const adoption = panel(html, 'adoption');
      expect(adoption).toContain(variant.metrics ? 'metrics_active_users' : 'Derived from sessions');
      expect(summary.sessions).toBeGreaterThan(0);
      const failing = sim.schedules().filter((s) => Number(s.consecutive_failures) > 0);
      expect(failing.length).toBeGreaterThan(0);
      const listed = [...panel(html, 'failing-schedules').matchAll(/<th scope="row">(?:<bdi>)?([^<]*)/g)];
      expect(listed.map((m) => m[1]).sort()).toEqual(
        variant.metrics ? failing.map((s) => String(s.name ?? s.scheduled_session_id)).sort() : [],
      );
      if (!enterprise) return;
      const cycle = summary.cycle as Record<string, unknown>;
      const last = CYCLES[1] ?? { after: 0, before: 0 };
      const spent = sum(
        enterpriseDays()
          .filter((d) => d.date >= last.after)
          .map((d) => d.acus),
      );
      expect(cycle.spent_acus).toBeCloseTo(spent, 2);
      expect(cycle.limit_acus).toBe(LIMITS[0].cycle_acu_limit);
      expect(cycle.projected_acus).toBeCloseTo(spent * 2, 2);
      expect(cycle.spent_usd).toBeCloseTo(spent * PRICE, 2);
      expect(html).toContain(`<div class="value">${ENGINE.fmtAmount(spent, PRICE)}</div>`);
      expect(panel(html, 'org-spend')).toContain(UNOWNED_LABEL);
    });
  }

  it('spend by organization and by repository over the opening window equal sums of the rows', async () => {
    const path = await database(dialect, VARIANTS[0] as Variant);
    const db = await openReadOnly(path);
    try {
      const tables = await db.tables();
      for (const sql of viewStatements(dialect, tables, { temporary: true })) await db.exec(sql);
      const extras = await loadExtras(db, tables, WINDOW);
      const inWindow = (date: number) => dayOfDate(date) >= WINDOW.start && dayOfDate(date) <= WINDOW.end;
      for (const org of ORGS) {
        const row = extras.orgSpend?.find((r) => r.id === org.org_id);
        const own = orgDays().filter((d) => d.org_id === org.org_id && inWindow(d.date));
        expect(row?.label).toBe(org.name);
        expect(row?.acus).toBeCloseTo(sum(own.map((d) => d.acus)), 6);
        const theirs = sessions.filter((s) => s.org_id === org.org_id && inWindow(Number(s.created_at)));
        expect(row?.sessions).toBe(theirs.length);
      }
      const total = sum(
        enterpriseDays()
          .filter((d) => inWindow(d.date))
          .map((d) => d.acus),
      );
      expect(sum((extras.orgSpend ?? []).map((r) => r.acus))).toBeCloseTo(total, 6);
      expect(extras.orgSpend?.find((r) => r.id === null)?.label).toBe(UNOWNED_LABEL);
      const windowSessions = sessions.filter((s) => inWindow(Number(s.created_at)));
      const repoTotal = sum((extras.repoSpend ?? []).map((r) => r.acus));
      expect(repoTotal).toBeCloseTo(sum(windowSessions.map((s) => Number(s.acus_consumed ?? 0))), 6);
      const merged = windowSessions.flatMap((s) =>
        ((s.pull_requests ?? []) as JsonObject[]).filter(
          (pr) => String(pr.pr_state).toLowerCase() === 'merged',
        ),
      );
      expect(sum((extras.repoSpend ?? []).map((r) => r.merged ?? 0))).toBe(
        merged.filter((pr) => repositoryOf(String(pr.pr_url)) !== null).length,
      );
      expect(extras.cycle?.rows.length).toBe(1 + ORGS.length);
    } finally {
      db.close();
    }
  });
});

describe('repositoryOf', () => {
  it('reads owner/name from GitHub, GitLab and Bitbucket pull-request URLs', () => {
    expect(repositoryOf('https://github.com/acme/api/pull/12')).toBe('acme/api');
    expect(repositoryOf('https://gitlab.com/group/sub/app/-/merge_requests/3')).toBe('group/sub/app');
    expect(repositoryOf('https://bitbucket.org/team/repo/pull-requests/9')).toBe('team/repo');
    expect(repositoryOf('not a url')).toBeNull();
  });
});
