/**
 * Opens reports in headless Chromium (Debian's `chromium` package; CI installs it with apt-get) from a
 * file URL with every network request blocked: charts drawn, the period and filters recompute the
 * headline figures to what SQL in the test says, session rows link to their URLs, no console errors.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ENGINE } from '../src/report/client/engine.js';
import { writeReport } from '../src/report/write-report.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { tempDir } from './helpers/temp-dir.js';
import { writeFixture } from './report-fixtures.js';
import { syncDatabase, withDatabase } from './report-helpers.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OUTPUT = join(process.cwd(), 'test-output');
const PRICE = 2.25;

let browser: Browser;
let sim: Simulator;
let dir: string;
/** Found by the global setup; without it the suite printed how to run this test (CI requires it). */
const chromiumPath = inject('tools').chromium;

beforeAll(async () => {
  if (chromiumPath === null) return;
  mkdirSync(OUTPUT, { recursive: true });
  dir = tempDir('report-browser-');
  sim = await startSimulator({ seed: 11, sessions: 200, messagesPerSession: 2 });
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
  blocked: string[];
  requests: string[];
}

/** Runs in the page: per canvas, the share of its pixels that were painted, and whether a chart owns it. */
const CHART_PROBE = `(() => [...document.querySelectorAll('canvas')].map((canvas) => {
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return { id: canvas.id, painted: painted / (canvas.width * canvas.height),
    instance: (window.reportCharts ?? []).some((chart) => chart.canvas === canvas) };
}))()`;

async function openReport(file: string, javaScriptEnabled = true): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    offline: true,
    javaScriptEnabled,
  });
  const opened: Opened = { context, page: await context.newPage(), errors: [], blocked: [], requests: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    opened.blocked.push(url);
    return route.abort();
  });
  opened.page.on('request', (request) => opened.requests.push(request.url()));
  opened.page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') opened.errors.push(message.text());
  });
  opened.page.on('pageerror', (error) => opened.errors.push(error.message));
  await opened.page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  if (javaScriptEnabled)
    await opened.page.waitForFunction(
      () => (globalThis as { reportReady?: boolean }).reportReady === true,
      null,
      {
        timeout: 10_000,
      },
    );
  return opened;
}

function expectCleanLoad(opened: Opened, file: string): void {
  expect(opened.errors).toEqual([]);
  expect(opened.blocked).toEqual([]);
  expect(opened.requests).toEqual([pathToFileURL(file).href]);
}

const card = (page: Page, id: string) => page.locator(`[data-card="${id}"] .value`).textContent();
const n = (value: unknown): number => Number(value ?? 0);

describe.runIf(chromiumPath !== null)('report in a browser', () => {
  it('recomputes the headline figures for a period and a filter, and links each session to its URL', async () => {
    const database = join(dir, 'full.duckdb');
    await writeFixture('duckdb', database, sim);
    const out = join(dir, 'full.html');
    // Opens on everything (the default is the last 30 days).
    await writeReport({ database, out, acuPrice: String(PRICE), period: 'all' });
    const expected = {
      all: 0,
      last30: 0,
      slack30: 0,
      slackSessions: 0,
      newestUrl: '',
      custom: 0,
      customFrom: '',
      customTo: '',
    };
    await withDatabase('duckdb', database, [], async (query) => {
      const [end] =
        await query(`SELECT max(d) AS d FROM (SELECT CAST(epoch(created_at) AS BIGINT) // 86400 AS d
        FROM sessions UNION ALL SELECT CAST(epoch(date) AS BIGINT) // 86400 FROM consumption_daily) t`);
      const from = n(end?.d) - 29;
      const [all] = await query('SELECT sum(acus) AS acus FROM consumption_daily');
      const [last30] = await query(
        `SELECT sum(acus) AS acus FROM consumption_daily WHERE CAST(epoch(date) AS BIGINT) // 86400 >= ${from}`,
      );
      const recent = `origin = 'slack' AND CAST(epoch(created_at) AS BIGINT) // 86400 >= ${from}`;
      const [slack] = await query(
        `SELECT sum(acus_consumed) AS acus, count(*) AS n FROM sessions WHERE ${recent}`,
      );
      const [newest] = await query(
        `SELECT url FROM sessions WHERE ${recent} ORDER BY created_at DESC, session_id LIMIT 1`,
      );
      const [custom] = await query(`SELECT sum(acus) AS acus FROM consumption_daily
        WHERE CAST(epoch(date) AS BIGINT) // 86400 BETWEEN ${n(end?.d) - 100} AND ${n(end?.d) - 40}`);
      const day = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
      Object.assign(expected, {
        custom: n(custom?.acus),
        customFrom: day(n(end?.d) - 100),
        customTo: day(n(end?.d) - 40),
        all: n(all?.acus),
        last30: n(last30?.acus),
        slack30: n(slack?.acus),
        slackSessions: n(slack?.n),
        newestUrl: String(newest?.url),
      });
    });
    expect(expected.slackSessions).toBeGreaterThan(0);

    const opened = await openReport(out);
    const { page } = opened;
    expectCleanLoad(opened, out);
    const charts = (await page.evaluate(CHART_PROBE)) as { id: string; painted: number; instance: boolean }[];
    expect(charts.map((c) => c.id)).toContain('chart-spend');
    for (const chart of charts.filter((c) => c.id !== 'chart-messages-per-session')) {
      expect(chart.instance, chart.id).toBe(true);
      expect(chart.painted, chart.id).toBeGreaterThan(0.02);
    }
    expect(await card(page, 'cost')).toBe(ENGINE.fmtMoney(expected.all * PRICE));
    await page.screenshot({ path: join(OUTPUT, 'report-full.png'), fullPage: true });

    await page.selectOption('#period', '30');
    expect(await card(page, 'cost')).toBe(ENGINE.fmtMoney(expected.last30 * PRICE));
    await page.selectOption('#filter-origin', { label: 'slack' });
    expect(await card(page, 'cost')).toBe(ENGINE.fmtMoney(expected.slack30 * PRICE));
    expect(await card(page, 'sessions')).toBe(ENGINE.fmtNumber(expected.slackSessions));
    expect(await page.locator('[data-card="cost"] .label').textContent()).toBe(
      'Cost (estimated from sessions)',
    );
    expect(await page.locator('#sessions-body tr').count()).toBe(Math.min(100, expected.slackSessions));
    await page.screenshot({ path: join(OUTPUT, 'report-filtered.png'), fullPage: true });

    const link = page.locator('#sessions-body tr').first().locator('a');
    expect(await link.getAttribute('href')).toBe(expected.newestUrl);
    await link.click();
    await expect.poll(() => opened.blocked).toEqual([expected.newestUrl]);

    await page.selectOption('#filter-origin', '-1');
    await page.selectOption('#period', 'custom');
    await page.fill('#period-from', expected.customFrom);
    await page.fill('#period-to', expected.customTo);
    expect(await card(page, 'cost')).toBe(ENGINE.fmtMoney(expected.custom * PRICE));
    expect(await page.locator('#period-text').textContent()).toBe(
      `${expected.customFrom} to ${expected.customTo}`,
    );
    expect(opened.errors).toEqual([]);
    await opened.context.close();
  });

  it('sorts and searches the sessions table, and prints without the controls', async () => {
    const database = join(dir, 'table.sqlite');
    await writeFixture('sqlite', database, sim);
    const out = join(dir, 'table.html');
    await writeReport({ database, out, period: 'all' });
    const opened = await openReport(out);
    const { page } = opened;
    const acusCells = page.locator('#sessions-body tr td:nth-child(7)');
    const number = (text: string) => Number(text.replace(/,/g, ''));
    expect(await page.locator('#sessions thead th:nth-child(7) button').getAttribute('data-sort')).toBe(
      'acus',
    );
    const before = (await acusCells.allTextContents()).map(number);
    await page.click('#sessions thead button[data-sort="acus"]');
    const values = (await acusCells.allTextContents()).map(number);
    expect(values).toHaveLength(100); // 200 sessions, one page of 100
    for (const value of values) expect(Number.isFinite(value)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values).not.toEqual(before); // newest first was not already the ACU order
    const title = (await page.locator('#sessions-body tr th a').first().textContent()) ?? '';
    expect(title.length).toBeGreaterThan(0);
    await page.fill('#sessions-search', title);
    const titles = await page.locator('#sessions-body tr th').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    for (const found of titles) expect(found.toLowerCase()).toContain(title.toLowerCase());
    await page.fill('#sessions-search', 'no session is called this');
    expect(await page.locator('#sessions-body tr').count()).toBe(0);
    await page.fill('#sessions-search', '');
    expect(await page.locator('#sessions-body tr').count()).toBe(100);
    expect(await page.locator('.price-note').textContent()).toMatch(/no price per ACU was given/);
    expect(await page.locator('.controls').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.controls').isVisible()).toBe(false);
    await page.screenshot({ path: join(OUTPUT, 'report-print.png'), fullPage: true });
    expect(opened.errors).toEqual([]);
    await opened.context.close();
  });

  it('without JavaScript, still shows the headline figures and the tables', async () => {
    const database = join(dir, 'nojs.duckdb');
    await writeFixture('duckdb', database, sim);
    const out = join(dir, 'nojs.html');
    const payload = await writeReport({ database, out, acuPrice: String(PRICE), period: 'all' });
    const opened = await openReport(out, false);
    const figures = ENGINE.computeView(ENGINE, payload, {
      period: 'all',
      from: null,
      to: null,
      actor: -1,
      origin: -1,
      category: -1,
    });
    expect(await card(opened.page, 'cost')).toBe(ENGINE.fmtMoney(figures.acus * PRICE));
    expect(await card(opened.page, 'sessions')).toBe(ENGINE.fmtNumber(200));
    expect(await opened.page.locator('#people-body table tbody tr').first().locator('th').textContent()).toBe(
      figures.people[0]?.label,
    );
    expect(await opened.page.locator('#sessions-body tr').count()).toBe(100);
    expect(await opened.page.locator('#spend-table').isVisible()).toBe(true);
    await opened.page.screenshot({ path: join(OUTPUT, 'report-no-javascript.png'), fullPage: true });
    await opened.context.close();
  });

  it('without consumption, users and playbooks: notes and estimates from sessions, never a broken page', async () => {
    const database = join(dir, 'partial.sqlite');
    await syncDatabase('sqlite', database, sim, ['sessions', 'secrets']);
    const out = join(dir, 'partial.html');
    await writeReport({ database, out, acuPrice: '2', period: 'all' });
    const opened = await openReport(out);
    const { page } = opened;
    expectCleanLoad(opened, out);
    const acus = [...sim.sessions()].reduce((sum, s) => sum + Number(s.acus_consumed), 0);
    expect(await card(page, 'cost')).toBe(ENGINE.fmtMoney(acus * 2));
    expect(await page.locator('[data-card="cost"] .label').textContent()).toBe(
      'Cost (estimated from sessions)',
    );
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('consumption_daily has not been synced');
    expect(text).toContain('The users stream has not been synced');
    expect(text).toContain('consumption_by_user has not been synced');
    expect(text).toContain('The playbooks stream has not been synced');
    const notes = await page.locator('.note').allTextContents();
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/sessions_insights stream, which has not been synced/);
    expect(notes[1]).toMatch(/session_messages was not synced/);
    expect(notes[2]).toMatch(/Needs billed ACUs \(consumption_daily\)/);
    await page.screenshot({ path: join(OUTPUT, 'report-partial.png'), fullPage: true });
    await opened.context.close();
  });

  it('renders a database with no tables, and a --since after every session, as notes, with no errors', async () => {
    const database = join(dir, 'empty.duckdb');
    (await DuckDBInstance.create(database)).closeSync();
    const out = join(dir, 'empty.html');
    await writeReport({ database, out });
    const empty = await openReport(out);
    expectCleanLoad(empty, out);
    expect(await empty.page.locator('canvas').count()).toBe(0);
    expect(await empty.page.locator('.banner').textContent()).toMatch(/No session data/);
    expect(await card(empty.page, 'sessions')).toBe('0');
    await empty.page.screenshot({ path: join(OUTPUT, 'report-empty.png'), fullPage: true });
    await empty.context.close();

    const full = join(dir, 'later.sqlite');
    await syncDatabase('sqlite', full, sim, ['sessions']);
    const later = join(dir, 'later.html');
    await writeReport({ database: full, out: later, since: '2099-01-01' });
    const none = await openReport(later);
    expectCleanLoad(none, later);
    expect(await none.page.locator('.banner').textContent()).toBe(
      'No sessions created on or after 2099-01-01.',
    );
    expect(await card(none.page, 'cost')).toBe('0');
    await none.page.screenshot({ path: join(OUTPUT, 'report-since.png'), fullPage: true });
    await none.context.close();
  });
});
