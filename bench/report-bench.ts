// Report benchmark (issue 12). Prints figures; asserts nothing.
//   node dist/bench/report-bench.js [--sessions 100000] [--runs 3] [--database PATH (kept, reused)]
// (after `npm run build`). A simulated organization (sessions, insights, playbooks, users and
// billing rows shaped like the catalog) is written into DuckDB through the targets, then:
//  1. the report's size (aim: under 10 MB for 100,000 sessions) and the time `writeReport` takes;
//  2. time to interactive in headless Chromium: navigation start to the page's `reportReady` (every
//     figure, chart and table drawn from the embedded data; aim under 2 s), beside a floor measured in
//     the same run: the same page for an empty database (Chart.js and the engine, no data);
//  3. time to recompute everything for another period and for a filter (one change event each).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { type Browser, chromium } from 'playwright-core';
import { writeReport } from '../src/report/write-report.js';
import { startSimulator } from '../src/simulator/index.js';
import { writeFixture } from '../test/report-fixtures.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const SESSIONS = Number(option('sessions', '100000'));
const RUNS = Number(option('runs', '3'));
/** --database PATH: write the organization there once and reuse it on later runs. */
const KEEP = process.argv.includes('--database') ? option('database', '') : null;
const dir = mkdtempSync(join(tmpdir(), 'devin-tap-report-bench-'));
const seconds = (start: number): number => (performance.now() - start) / 1000;
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

// Runs in the page (source text: no DOM types here). Each returns milliseconds.
const READY = 'window.reportReady === true ? performance.now() : null';
const change = (id: string, value: string): string => `(() => {
  const select = document.getElementById(${JSON.stringify(id)});
  select.value = ${JSON.stringify(value)};
  const start = performance.now();
  select.dispatchEvent(new Event('change'));
  return performance.now() - start;
})()`;

interface Timing {
  ready: number;
  period: number;
  filter: number;
}

async function timePage(browser: Browser, file: string, interact: boolean): Promise<Timing> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 60_000 });
  let ready: number | null = null;
  for (let tries = 0; ready === null && tries < 600; tries++) {
    ready = (await page.evaluate(READY)) as number | null;
    if (ready === null) await page.waitForTimeout(50);
  }
  if (ready === null || errors.length > 0) throw new Error(`page never became ready: ${errors.join('; ')}`);
  const period = interact ? ((await page.evaluate(change('period', '30'))) as number) : 0;
  const filter = interact ? ((await page.evaluate(change('filter-category', '0'))) as number) : 0;
  await context.close();
  return { ready, period, filter };
}

async function main(): Promise<void> {
  let start = performance.now();
  const database = KEEP ?? join(dir, 'org.duckdb');
  if (existsSync(database)) {
    console.log(`database: reusing ${database}`);
  } else {
    const sim = await startSimulator({ seed: 12, sessions: SESSIONS, messagesPerSession: 0 });
    await writeFixture('duckdb', database, sim);
    await sim.close();
    console.log(`database: ${SESSIONS.toLocaleString()} sessions written in ${seconds(start).toFixed(1)} s`);
  }

  const out = join(dir, 'report.html');
  start = performance.now();
  await writeReport({ database, out, acuPrice: '2.25' });
  const written = seconds(start);
  const empty = join(dir, 'empty.duckdb');
  (await DuckDBInstance.create(empty)).closeSync();
  const floorFile = join(dir, 'floor.html');
  await writeReport({ database: empty, out: floorFile });
  const mb = statSync(out).size / 1e6;
  console.log(
    `report: ${mb.toFixed(2)} MB (aim < 10 MB), written in ${written.toFixed(1)} s; floor page ${(statSync(floorFile).size / 1e6).toFixed(2)} MB`,
  );

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const floors: number[] = [];
    const runs: Timing[] = [];
    for (let i = 0; i < RUNS; i++) {
      floors.push((await timePage(browser, floorFile, false)).ready);
      runs.push(await timePage(browser, out, true));
    }
    const ready = median(runs.map((r) => r.ready));
    const floor = median(floors);
    console.log(
      `interactive: ${(ready / 1000).toFixed(2)} s (median of ${RUNS}; aim < 2 s); floor (empty report) ${(floor / 1000).toFixed(2)} s; ratio ${(ready / floor).toFixed(1)}x`,
    );
    console.log(
      `recompute: last 30 days ${median(runs.map((r) => r.period)).toFixed(0)} ms, a category filter ${median(runs.map((r) => r.filter)).toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
