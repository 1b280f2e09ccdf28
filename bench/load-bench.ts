// Load benchmark (issues 3 and 14). Prints figures; asserts nothing.
//   node dist/bench/load-bench.js [--sessions 20000,100000] [--messages N] [--targets duckdb,sqlite]
// (after `npm run build`; defaults: 20,000 and 100,000 sessions x 20 messages, both targets). Per size:
//  1. `devin-tap read` of all six streams (output discarded): the reading share of any sync;
//  2. per target, `devin-tap sync` (child process, --quiet) from a zero-latency in-process simulator
//     into a fresh file: wall, CPU, peak RSS, and sync wall / read wall (aim <= 1.15: the write
//     overlaps the read); the load floor measured in the same run on the same records
//     (bench/load-floors.ts);
//  3. per target, the same sync again with nothing changed in the API: requests and time (aim <= 6
//     requests, <= 3 s at 100,000 sessions).
// CPU seconds are printed because the machine is shared: wall ratios move with its load, CPU less.
// The floors ignore fields outside the catalog (the sync keeps them in _extra).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { type ChildRun, runChild } from './child-process.js';
import { duckdbFloor, sqliteFloor } from './load-floors.js';
import { writeNdjson } from './ndjson-records.js';
import { BENCH_STREAMS, countRows, writeConfigAndCatalog } from './sync-setup.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const SIZES = option('sessions', '20000,100000').split(',').map(Number);
const MESSAGES = Number(option('messages', '20'));
const TARGETS = option('targets', 'duckdb,sqlite').split(',') as TargetKind[];
const AIM_RSS: Record<TargetKind, number> = { duckdb: 200, sqlite: 150 };
const cli = resolve('dist/src/cli.js');
const rate = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString()} rows/s`;

interface Figures {
  sessions: number;
  kind: TargetKind;
  read: ChildRun;
  sync: ChildRun;
  floorSeconds: number;
  resync: ChildRun;
  resyncRequests: number;
}

function ensureOk(label: string, run: ChildRun): void {
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}: ${run.stderrTail}`);
}

const cpu = (run: ChildRun) =>
  `CPU ${run.cpuSeconds.toFixed(1)} s (simulator ${run.parentCpuSeconds.toFixed(1)} s)`;

async function benchTarget(
  kind: TargetKind,
  sim: Simulator,
  dir: string,
  config: string,
  ndjson: Awaited<ReturnType<typeof writeNdjson>>,
  read: ChildRun,
): Promise<Figures> {
  const database = join(dir, `sync.${kind}`);
  const args = ['sync', '--config', config, '--target', kind, '--database', database, '--quiet'];
  const all = [...args, '--streams', BENCH_STREAMS.join(',')];
  const sync = await runChild(cli, all);
  ensureOk(`devin-tap sync --target ${kind}`, sync);
  const loaded = await countRows(kind, database);
  sim.clearRequestLog();
  const resync = await runChild(cli, all);
  ensureOk(`devin-tap sync --target ${kind} (again)`, resync);
  const resyncRequests = sim.requestLog.length;
  const floorPath = join(dir, `floor.${kind}`);
  const floorSeconds =
    kind === 'duckdb'
      ? await duckdbFloor(floorPath, ndjson.files)
      : await sqliteFloor(floorPath, ndjson.files);
  const floorName = kind === 'duckdb' ? 'read_json of NDJSON' : 'prepared INSERT loop, 1 transaction';
  const records = ndjson.records;
  console.log(`  ${kind}:`);
  console.log(
    `    sync: ${sync.seconds.toFixed(2)} s, ${rate(records, sync.seconds)}, ${loaded.toLocaleString()} rows loaded, ${cpu(sync)}`,
  );
  console.log(
    `    sync wall / read wall: ${(sync.seconds / read.seconds).toFixed(2)} (aim <= 1.15); sync CPU / read CPU: ${(sync.cpuSeconds / read.cpuSeconds).toFixed(2)}`,
  );
  console.log(`    peak RSS of the sync: ${sync.peakRssMb.toFixed(0)} MB (aim <= ${AIM_RSS[kind]} MB)`);
  console.log(`    floor (${floorName}): ${floorSeconds.toFixed(2)} s, ${rate(records, floorSeconds)}`);
  console.log(
    `    unchanged re-sync: ${resyncRequests} requests, ${resync.seconds.toFixed(2)} s, peak RSS ${resync.peakRssMb.toFixed(0)} MB (aim <= 6 requests, <= 3 s)`,
  );
  rmSync(floorPath, { force: true });
  rmSync(database, { force: true });
  return { sessions: sim.options.sessions, kind, read, sync, floorSeconds, resync, resyncRequests };
}

async function benchSize(sessions: number): Promise<Figures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'devin-tap-load-bench-'));
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
      `\norg: ${sessions.toLocaleString()} sessions x ${MESSAGES} messages: ${ndjson.records.toLocaleString()} records, ${(ndjson.bytes / 1e6).toFixed(0)} MB of JSON`,
    );
    sim.clearRequestLog();
    const read = await runChild(cli, ['read', '--config', config, '--catalog', catalog]);
    ensureOk('devin-tap read', read);
    console.log(
      `  devin-tap read (output discarded): ${read.seconds.toFixed(2)} s, ${rate(ndjson.records, read.seconds)}, ${sim.requestLog.length.toLocaleString()} requests, peak RSS ${read.peakRssMb.toFixed(0)} MB, ${cpu(read)}`,
    );
    const figures: Figures[] = [];
    for (const kind of TARGETS) figures.push(await benchTarget(kind, sim, dir, config, ndjson, read));
    return figures;
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summary(figures: readonly Figures[]): void {
  console.log(
    '\n| sessions | target | read | sync | sync / read | CPU sync / read | peak RSS | floor | unchanged re-sync |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const f of figures) {
    const cells = [
      f.sessions.toLocaleString(),
      f.kind,
      `${f.read.seconds.toFixed(1)} s`,
      `${f.sync.seconds.toFixed(1)} s`,
      (f.sync.seconds / f.read.seconds).toFixed(2),
      `${f.sync.cpuSeconds.toFixed(1)} / ${f.read.cpuSeconds.toFixed(1)} s`,
      `${f.sync.peakRssMb.toFixed(0)} MB`,
      `${f.floorSeconds.toFixed(1)} s`,
      `${f.resyncRequests} requests, ${f.resync.seconds.toFixed(2)} s`,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

const all: Figures[] = [];
for (const sessions of SIZES) all.push(...(await benchSize(sessions)));
summary(all);
