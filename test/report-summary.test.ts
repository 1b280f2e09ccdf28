/**
 * The page's machine-readable summary (`#devin-tap-summary`) describes the view the page opens on
 * (`--period`, last 30 days by default), with exactly the figures its cards show.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../src/report/client/engine.js';
import type { ViewChoice } from '../src/report/payload.js';
import { writeReport } from '../src/report/write-report.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { InputError } from '../src/tap/errors.js';
import { writeFixture } from './report-fixtures.js';

const PRICE = 2;
let sim: Simulator;
let dir: string;
let database: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, sessions: 120, messagesPerSession: 0 });
  dir = mkdtempSync(join(tmpdir(), 'report-summary-'));
  database = join(dir, 'billed.sqlite');
  await writeFixture('sqlite', database, sim);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function summaryOf(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="devin-tap-summary">(.*?)<\/script>/s.exec(html);
  if (!match?.[1]) throw new Error('no summary in the page');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

function cardValue(html: string, card: string): string {
  const match = new RegExp(
    `data-card="${card}"><div class="label">[^<]*</div><div class="value">([^<]*)<`,
  ).exec(html);
  return match?.[1] ?? '';
}

describe('the report summary', () => {
  for (const [flag, period] of [
    [undefined, '30'],
    ['last-90-days', '90'],
    ['month-to-date', 'mtd'],
    ['all', 'all'],
  ] as const) {
    it(`--period ${flag ?? '(default)'} opens on that view and summarizes it`, async () => {
      const out = join(dir, `report-${period}.html`);
      const payload = await writeReport({
        database,
        out,
        acuPrice: String(PRICE),
        ...(flag === undefined ? {} : { period: flag }),
      });
      const html = readFileSync(out, 'utf8');
      const choice: ViewChoice = { period, from: null, to: null, actor: -1, origin: -1, category: -1 };
      const f = ENGINE.computeView(ENGINE, payload, choice);
      const summary = summaryOf(html);
      expect(html).toContain(`<option value="${period}" selected>`);
      expect(summary.window).toEqual({
        start: ENGINE.dayText(f.period.start ?? 0),
        end: ENGINE.dayText(f.period.end ?? 0),
      });
      expect(summary.billed_acus).toBeCloseTo(f.acus, 2);
      expect(summary.billed_cost_usd).toBeCloseTo(f.acus * PRICE, 2);
      expect(summary.sessions).toBe(f.sessions.sessions);
      expect(summary.merged_prs).toBe(f.sessions.merged);
      expect(summary.active_users).toBe(f.activeUsers);
      expect(summary.cost_per_merged_pr_usd).toBeCloseTo((f.perMergedPr ?? 0) * PRICE, 2);
      expect(cardValue(html, 'per-pr')).toBe(ENGINE.fmtAmount(f.perMergedPr, PRICE));
      expect(cardValue(html, 'cost')).toBe(ENGINE.fmtAmount(f.acus, PRICE));
      expect(Object.keys(summary.last_synced as object)).toContain('sessions');
      const forecast = summary.forecast as Record<string, unknown>;
      expect(forecast.forecast_acus).toBeCloseTo(f.forecast?.forecast ?? 0, 2);
      expect(forecast.forecast_usd).toBeCloseTo((f.forecast?.forecast ?? 0) * PRICE, 2);
      expect(forecast.basis).toBe(f.forecast?.basis);
      expect(cardValue(html, 'forecast')).toBe(ENGINE.fmtAmount(f.forecast?.forecast ?? null, PRICE));
    });
  }

  it('month-to-date starts on the first of the last day’s month', async () => {
    const out = join(dir, 'mtd.html');
    await writeReport({ database, out, period: 'month-to-date' });
    const window = summaryOf(readFileSync(out, 'utf8')).window as { start: string; end: string };
    expect(window.start).toBe(`${window.end.slice(0, 7)}-01`);
  });

  it('--budget-usd holds the forecast against a monthly budget', async () => {
    const out = join(dir, 'budget.html');
    await writeReport({ database, out, acuPrice: String(PRICE), budgetUsd: '5000' });
    const html = readFileSync(out, 'utf8');
    expect((summaryOf(html).forecast as Record<string, unknown>).budget_usd).toBe(5000);
    expect(html).toContain('of the budget of $5,000');
    await expect(writeReport({ database, out, budgetUsd: 'lots' })).rejects.toThrow(/--budget-usd must be/);
  });

  it('an unknown --period is a clear error naming the choices', async () => {
    await expect(writeReport({ database, out: join(dir, 'x.html'), period: 'last-week' })).rejects.toThrow(
      InputError,
    );
    await expect(writeReport({ database, out: join(dir, 'x.html'), period: 'last-week' })).rejects.toThrow(
      /last-30-days, last-90-days, month-to-date, all/,
    );
  });
});
