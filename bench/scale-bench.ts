// Scale benchmark (issue 22). Prints figures; asserts nothing.
//   node dist/bench/scale-bench.js [--sessions 20000,200000] [--messages 20] [--targets duckdb,sqlite]
//     [--floors yes|no] [--sync-args "--memory-limit 2GB"] (--targets none: the read and its floor only)
// (after `npm run build`.) Per size, from a zero-latency in-process simulator (page size 200,
// max_concurrency 8), each in a child process whose resident set is sampled every 50 ms:
//  - `devin-tap read` of the six streams (output counted, not kept) beside the bare reader floor
//    (bench/floor-reader.ts: the same pages fetched, parsed and written as Airbyte lines);
//  - per target, `devin-tap sync --quiet` into a fresh file beside its floor on the same rows
//    (DuckDB read_json, SQLite's prepared INSERT loop: bench/load-floors.ts), then the same sync
//    again with nothing changed (requests, seconds).
// Prints wall, CPU, peak RSS and RSS at 25/50/75/100% of each run, then the flatness: RSS at the
// largest size over RSS at the smallest. CPU seconds are printed because the machine is shared.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { type ChildRun, rssAt, runChild } from './child-process.js';
import { duckdbFloor, sqliteFloor } from './load-floors.js';
import { type NdjsonFiles, writeNdjson } from './ndjson-records.js';
import { BENCH_STREAMS, countRows, writeConfigAndCatalog } from './sync-setup.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const SIZES = option('sessions', '20000,200000').split(',').map(Number);
const MESSAGES = Number(option('messages', '20'));
const TARGETS = option('targets', 'duckdb,sqlite')
  .split(',')
  .filter((kind): kind is TargetKind => kind === 'duckdb' || kind === 'sqlite');
const FLOORS = option('floors', 'yes') !== 'no';
const SYNC_ARGS = option('sync-args', '').split(' ').filter(Boolean);
const cli = resolve('dist/src/cli.js');
const floorReader = resolve('dist/bench/floor-reader.js');

interface Row {
  sessions: number;
  what: string;
  run: ChildRun;
  floorSeconds: number | null;
  /** The run this one is compared with (sync / read). */
  ratioTo: ChildRun | null;
  note: string;
}

function ensureOk(label: string, run: ChildRun): void {
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}: ${run.stderrTail}`);
}

const mb = (value: number) => `${value.toFixed(0)}`;
const rssShape = (run: ChildRun) => [0.25, 0.5, 0.75, 1].map((share) => mb(rssAt(run, share))).join(' / ');

async function readRows(sim: Simulator, config: string, catalog: string, records: number): Promise<Row[]> {
  const rows: Row[] = [];
  let floorSeconds: number | null = null;
  if (FLOORS) {
    const floor = await runChild(floorReader, [sim.baseUrl, sim.orgId, sim.token, '200', '8', 'encode']);
    ensureOk('floor reader', floor);
    floorSeconds = floor.seconds;
    rows.push({
      sessions: 0,
      what: 'floor: bare reader + Airbyte lines',
      run: floor,
      floorSeconds: null,
      ratioTo: null,
      note: '',
    });
  }
  sim.clearRequestLog();
  const read = await runChild(cli, ['read', '--config', config, '--catalog', catalog]);
  ensureOk('devin-tap read', read);
  const note = `${read.stdoutLines.toLocaleString()} lines for ${records.toLocaleString()} records, ${sim.requestLog.length.toLocaleString()} requests`;
  rows.unshift({ sessions: 0, what: 'read', run: read, floorSeconds, ratioTo: null, note });
  return rows;
}

async function syncRows(
  kind: TargetKind,
  sim: Simulator,
  dir: string,
  config: string,
  ndjson: NdjsonFiles,
  read: ChildRun,
): Promise<Row[]> {
  const database = join(dir, `sync.${kind}`);
  const args = ['sync', '--config', config, '--target', kind, '--database', database, '--quiet'];
  const all = [...args, '--streams', BENCH_STREAMS.join(','), ...SYNC_ARGS];
  const sync = await runChild(cli, all);
  ensureOk(`devin-tap sync --target ${kind}`, sync);
  const loaded = await countRows(kind, database);
  sim.clearRequestLog();
  const resync = await runChild(cli, all);
  ensureOk(`devin-tap sync --target ${kind} (again)`, resync);
  const requests = sim.requestLog.length;
  let floorSeconds: number | null = null;
  if (FLOORS) {
    const floorPath = join(dir, `floor.${kind}`);
    floorSeconds =
      kind === 'duckdb'
        ? await duckdbFloor(floorPath, ndjson.files)
        : await sqliteFloor(floorPath, ndjson.files);
    rmSync(floorPath, { force: true });
  }
  rmSync(database, { force: true });
  return [
    {
      sessions: 0,
      what: `sync ${kind}`,
      run: sync,
      floorSeconds,
      ratioTo: read,
      note: `${loaded.toLocaleString()} rows`,
    },
    {
      sessions: 0,
      what: `unchanged re-sync ${kind}`,
      run: resync,
      floorSeconds: null,
      ratioTo: null,
      note: `${requests} requests`,
    },
  ];
}

async function benchSize(sessions: number): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'devin-tap-scale-bench-'));
  const sim = await startSimulator({
    sessions,
    messagesPerSession: MESSAGES,
    seed: 42,
    requestLogLimit: 4 * sessions + 10_000,
  });
  try {
    const { config, catalog } = writeConfigAndCatalog(sim, dir);
    const ndjson = await writeNdjson(sim, dir);
    console.log(
      `org: ${sessions.toLocaleString()} sessions x ${MESSAGES} messages: ${ndjson.records.toLocaleString()} records, ${(ndjson.bytes / 1e6).toFixed(0)} MB of JSON`,
    );
    const rows = await readRows(sim, config, catalog, ndjson.records);
    const read = rows[0]?.run as ChildRun;
    for (const kind of TARGETS) rows.push(...(await syncRows(kind, sim, dir, config, ndjson, read)));
    for (const row of rows) {
      row.sessions = sessions;
      console.log(`  ${row.what}: ${row.run.seconds.toFixed(1)} s, peak RSS ${mb(row.run.peakRssMb)} MB`);
    }
    return rows;
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(rows: readonly Row[]): void {
  console.log(
    '\n| sessions | run | wall | CPU | vs read (wall) | floor (wall) | peak RSS MB | RSS MB at 25/50/75/100% | note |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const cells = [
      row.sessions.toLocaleString(),
      row.what,
      `${row.run.seconds.toFixed(1)} s`,
      `${row.run.cpuSeconds.toFixed(1)} s`,
      row.ratioTo ? (row.run.seconds / row.ratioTo.seconds).toFixed(2) : '',
      row.floorSeconds === null ? '' : `${row.floorSeconds.toFixed(1)} s`,
      mb(row.run.peakRssMb),
      rssShape(row.run),
      row.note,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

function flatness(rows: readonly Row[]): void {
  const smallest = Math.min(...SIZES);
  const largest = Math.max(...SIZES);
  if (smallest === largest) return;
  console.log(
    `\npeak RSS at ${largest.toLocaleString()} / at ${smallest.toLocaleString()} sessions (aim <= 1.2):`,
  );
  for (const row of rows.filter((r) => r.sessions === largest)) {
    const small = rows.find((r) => r.sessions === smallest && r.what === row.what);
    if (small) console.log(`  ${row.what}: ${(row.run.peakRssMb / small.run.peakRssMb).toFixed(2)}`);
  }
}

const all: Row[] = [];
for (const sessions of SIZES) all.push(...(await benchSize(sessions)));
table(all);
flatness(all);
