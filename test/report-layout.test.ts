/**
 * The page's layout in headless Chromium at a phone's width (390 px) and a laptop's (1,400 px), on an
 * organization database and an enterprise one: nothing wider than the viewport outside its own scroll
 * box, names never squeezed to a letter, money columns in view at 1,400 px, text left and numbers
 * right, cards in full rows, and print. Screenshots go to test-output/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeReport } from '../src/report/write-report.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { BILLED_DAYS, DAY, enterpriseStatements, FIRST_DAY } from './enterprise-fixture.js';
import { suiteTempDir } from './helpers/temp-dir.js';
import { writeFixture } from './report-fixtures.js';
import { simulatorRows, withDatabase, writeDatabase } from './report-helpers.js';

const OUTPUT = join(process.cwd(), 'test-output');
const chromiumPath = inject('tools').chromium;
const dir = suiteTempDir('report-layout-');
let browser: Browser;
let sim: Simulator;
const reports: Record<string, string> = {};

beforeAll(async () => {
  if (chromiumPath === null) return;
  mkdirSync(OUTPUT, { recursive: true });
  sim = await startSimulator({ seed: 21, sessions: 300, messagesPerSession: 1, users: 40 });
  const org = join(dir, 'org.duckdb');
  await writeFixture('duckdb', org, sim);
  reports.org = join(dir, 'org.html');
  await writeReport({ database: org, out: reports.org, acuPrice: '2.25', budgetUsd: '5000', period: 'all' });
  const enterprise = join(dir, 'enterprise.sqlite');
  const sessions = (simulatorRows(sim, ['sessions']).sessions ?? []).map((s, i) => ({
    ...s,
    org_id: ['org-alpha', 'org-beta', 'org-gamma'][i % 3] ?? null,
    created_at: (FIRST_DAY + (i % BILLED_DAYS)) * DAY + (i % 20) * 3600,
  }));
  await writeDatabase('sqlite', enterprise, { sessions });
  await withDatabase('sqlite', enterprise, enterpriseStatements('sqlite'), async () => {});
  reports.enterprise = join(dir, 'enterprise.html');
  await writeReport({
    database: enterprise,
    out: reports.enterprise,
    acuPrice: '2.25',
    now: new Date((FIRST_DAY + BILLED_DAYS) * DAY * 1000),
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

/** Runs in the page: elements sticking out of the viewport with no scroll box around them. */
const OVERFLOW_PROBE = `(() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let parent = el.parentElement;
    let boxed = false;
    while (parent && parent !== document.body) {
      if (scrolls(parent) && parent.getBoundingClientRect().right <= width + 1) { boxed = true; break; }
      parent = parent.parentElement;
    }
    if (!boxed) out.push(el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className + ' ' + Math.round(box.right));
  }
  return { out: out.slice(0, 10), pageWidth: document.documentElement.scrollWidth, width };
})()`;

/** Runs in the page: the narrowest row header that names something, and the card rows' sizes. */
const SHAPE_PROBE = `(() => {
  const names = [...document.querySelectorAll('th[scope="row"]')]
    .filter((th) => th.offsetParent !== null && th.textContent.trim().length > 3)
    .map((th) => ({ text: th.textContent.trim(), width: th.getBoundingClientRect().width }));
  const narrowest = names.sort((a, b) => a.width - b.width)[0] ?? null;
  const rows = new Map();
  for (const card of document.querySelectorAll('#cards .card')) {
    const top = Math.round(card.getBoundingClientRect().top);
    rows.set(top, (rows.get(top) ?? 0) + 1);
  }
  const align = (selector) => { const el = document.querySelector(selector); return el ? getComputedStyle(el).textAlign : null; };
  return { narrowest, cardRows: [...rows.values()], textAlign: align('#sessions-body td.text'),
    numberAlign: align('#sessions-body td:not(.text)') };
})()`;

/** Runs in the page: each money column header of the sessions and people tables against its box. */
const MONEY_PROBE = `(() => [...document.querySelectorAll('#sessions thead th, #people-body thead th')]
  .filter((th) => /Cost|ACUs/.test(th.textContent))
  .map((th) => {
    const wrap = th.closest('.table-wrap') ?? document.body;
    return { header: th.textContent, right: th.getBoundingClientRect().right,
      boxRight: Math.min(wrap.getBoundingClientRect().right, document.documentElement.clientWidth) };
  }))()`;

/** Runs in the page: the people chart's name axis (its labels as drawn, its width) against the chart's. */
const PEOPLE_AXIS_PROBE = `(() => {
  const chart = (window.reportCharts ?? []).find((c) => c.canvas.id === 'chart-people');
  const axis = chart.scales.y;
  return { labels: axis.ticks.map((t) => String(t.label)), axis: axis.width, chart: chart.width };
})()`;

async function open(report: string, width: number): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, offline: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  await page.waitForFunction(() => (globalThis as { reportReady?: boolean }).reportReady === true, null, {
    timeout: 10_000,
  });
  return { page, errors };
}

describe.runIf(chromiumPath !== null)('report layout', () => {
  for (const kind of ['org', 'enterprise'] as const) {
    for (const width of [390, 1400]) {
      it(`${kind} database at ${width} px`, async () => {
        const { page, errors } = await open(reports[kind] ?? '', width);
        const overflow = (await page.evaluate(OVERFLOW_PROBE)) as {
          out: string[];
          pageWidth: number;
          width: number;
        };
        expect(overflow.out).toEqual([]);
        expect(overflow.pageWidth).toBeLessThanOrEqual(overflow.width);
        const shape = (await page.evaluate(SHAPE_PROBE)) as {
          narrowest: { text: string; width: number } | null;
          cardRows: number[];
          textAlign: string | null;
          numberAlign: string | null;
        };
        expect(shape.narrowest?.width ?? 100, shape.narrowest?.text).toBeGreaterThanOrEqual(80);
        expect(shape.cardRows.reduce((a, b) => a + b, 0)).toBe(8);
        for (const count of shape.cardRows) expect(count).toBe(width === 390 ? 2 : 4);
        expect(shape.textAlign).toBe('left');
        expect(shape.numberAlign).toBe('right');
        const people = (await page.evaluate(PEOPLE_AXIS_PROBE)) as {
          labels: string[];
          axis: number;
          chart: number;
        };
        expect(people.labels.length).toBeGreaterThan(0);
        for (const label of people.labels) expect(label.length).toBeLessThanOrEqual(width === 390 ? 14 : 24);
        expect(people.axis).toBeLessThan(people.chart / 2);
        if (width === 1400) {
          const money = (await page.evaluate(MONEY_PROBE)) as {
            header: string;
            right: number;
            boxRight: number;
          }[];
          expect(money.length).toBeGreaterThan(0);
          for (const column of money)
            expect(column.right, column.header).toBeLessThanOrEqual(column.boxRight + 1);
        }
        await page.screenshot({ path: join(OUTPUT, `report-${kind}-${width}.png`), fullPage: true });
        if (width === 1400) {
          await page.emulateMedia({ media: 'print' });
          expect(await page.locator('.controls').isVisible()).toBe(false);
          await page.pdf({ path: join(OUTPUT, `report-${kind}-print.pdf`) });
        }
        expect(errors).toEqual([]);
        await page.context().close();
      });
    }
  }
});
