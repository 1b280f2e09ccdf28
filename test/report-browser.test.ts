/**
 * Opens reports in headless Chromium (Debian's `chromium` package; CI installs it with apt-get) from a
 * file URL with every network request blocked, and checks that each chart is drawn without errors.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatNumber } from '../src/report/sections.js';
import { writeReport } from '../src/report/write-report.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { syncDatabase, writeDatabase } from './report-helpers.js';

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

let browser: Browser;
let sim: Simulator;
let dir: string;
/** Found by the global setup; without it the suite printed how to run this test (CI requires it). */
const chromiumPath = inject('chromium');

beforeAll(async () => {
  if (chromiumPath === null) return;
  mkdirSync(OUTPUT, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
  sim = await startSimulator({ seed: 11, sessions: 160, messagesPerSession: 6 });
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface PageResult {
  charts: { id: string; painted: number; instance: boolean }[];
  notes: string[];
  headline: string[];
  errors: string[];
  blocked: string[];
  requests: string[];
}

/**
 * Runs in the page (as source text: this project compiles without DOM types): per canvas, the share of
 * its pixels that were painted, and whether a Chart.js instance owns it.
 */
const CHART_PROBE = `(() => {
  const instances = window.reportCharts ?? [];
  return [...document.querySelectorAll('canvas')].map((canvas) => {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return {
      id: canvas.id,
      painted: painted / (canvas.width * canvas.height),
      instance: instances.some((chart) => chart.canvas === canvas),
    };
  });
})()`;

/** Loads the report with the network blocked; returns what was drawn, said, requested and logged. */
async function openReport(file: string, screenshot: string): Promise<PageResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  const blocked: string[] = [];
  const requests: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const charts = (await page.evaluate(CHART_PROBE)) as PageResult['charts'];
  const notes = await page.locator('.note').allTextContents();
  const headline = await page.locator('.card .value').allTextContents();
  await page.screenshot({ path: join(OUTPUT, screenshot), fullPage: true });
  await context.close();
  return { charts, notes, headline, errors, blocked, requests };
}

function expectCleanLoad(result: PageResult, file: string): void {
  expect(result.errors).toEqual([]);
  expect(result.blocked).toEqual([]);
  expect(result.requests).toEqual([pathToFileURL(file).href]);
}

describe.runIf(chromiumPath !== null)('report in a browser', () => {
  it('draws every chart of a full DuckDB database, offline, without errors', async () => {
    const database = join(dir, 'full.duckdb');
    await syncDatabase('duckdb', database, sim, [
      'sessions',
      'sessions_insights',
      'session_messages',
      'playbooks',
    ]);
    const out = join(dir, 'full.html');
    await writeReport({ database, out });

    const result = await openReport(out, 'report-full.png');
    expectCleanLoad(result, out);
    expect(result.charts.map((c) => c.id)).toEqual([
      'chart-acus-by-week',
      'chart-sessions-by-status',
      'chart-sessions-by-origin',
      'chart-pr-outcomes',
      'chart-session-sizes',
      'chart-messages-per-session',
      'chart-top-users',
    ]);
    for (const chart of result.charts) {
      expect(chart.instance, chart.id).toBe(true);
      expect(chart.painted, chart.id).toBeGreaterThan(0.02);
    }
    expect(result.notes).toEqual([]);
    const sessions = [...sim.sessions()];
    const acus = sessions.reduce((sum, s) => sum + Number(s.acus_consumed), 0);
    expect(result.headline.slice(0, 2)).toEqual([formatNumber(sessions.length), formatNumber(acus)]);
  });

  it('shows notes for the streams a SQLite database lacks, and charts for the rest', async () => {
    const database = join(dir, 'partial.sqlite');
    await syncDatabase('sqlite', database, sim, ['sessions', 'secrets']);
    const out = join(dir, 'partial.html');
    await writeReport({ database, out });

    const result = await openReport(out, 'report-partial.png');
    expectCleanLoad(result, out);
    expect(result.charts).toHaveLength(5);
    for (const chart of result.charts) expect(chart.painted, chart.id).toBeGreaterThan(0.02);
    expect(result.notes).toHaveLength(2);
    expect(result.notes[0]).toMatch(/sessions_insights stream, which has not been synced/);
    expect(result.notes[1]).toMatch(/session_messages was not synced/);
  });

  it('renders a database with no tables as notes, with no errors', async () => {
    const database = join(dir, 'empty.duckdb');
    (await DuckDBInstance.create(database)).closeSync();
    const out = join(dir, 'empty.html');
    await writeReport({ database, out });

    const result = await openReport(out, 'report-empty.png');
    expectCleanLoad(result, out);
    expect(result.charts).toEqual([]);
    expect(result.notes).toHaveLength(7);
    expect(result.notes[0]).toMatch(/No session data/);
    expect(result.headline).toEqual(['–', '–', '–', '–']);
  });

  it('renders empty tables, and a --since after every session, as notes', async () => {
    const database = join(dir, 'empty-tables.sqlite');
    await writeDatabase('sqlite', database, { sessions: [], sessions_insights: [], session_messages: [] });
    const out = join(dir, 'empty-tables.html');
    await writeReport({ database, out });
    const empty = await openReport(out, 'report-empty-tables.png');
    expectCleanLoad(empty, out);
    expect(empty.charts).toEqual([]);
    expect(empty.notes).toHaveLength(7);
    expect(empty.notes[0]).toBe('The sessions table is empty.');
    expect(empty.headline.slice(0, 2)).toEqual(['0', '0']);

    const full = join(dir, 'later.sqlite');
    await syncDatabase('sqlite', full, sim, ['sessions']);
    const later = join(dir, 'later.html');
    await writeReport({ database: full, out: later, since: '2099-01-01' });
    const none = await openReport(later, 'report-since.png');
    expectCleanLoad(none, later);
    expect(none.charts).toEqual([]);
    expect(none.notes[0]).toBe('No sessions created on or after 2099-01-01.');
  });
});
