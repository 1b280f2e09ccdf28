// Load benchmark (issue 3, Benchmark). Prints figures; asserts nothing.
//   node dist/bench/load-bench.js [--sessions N] [--messages N] [--targets duckdb,sqlite]
// (after `npm run build`; defaults: 20,000 sessions x 20 messages, both targets).
//  1. rows/s of `devin-tap sync` (child process, all six streams, --quiet) from a zero-latency
//     in-process simulator into a fresh DuckDB and SQLite file, against a floor measured in the same
//     run on the same records (bench/load-floors.ts; aim: DuckDB sync >= 0.5 of its floor);
//  2. peak RSS of each sync process (aim < 250 MB);
//  3. for reference, `devin-tap read` of the same streams (output discarded): the reading share of
//     the sync's time, so that sync - read approximates the cost of writing, and floor / read is the
//     best ratio a sync could reach with a free write; sync / read is what writing adds.
// The floors ignore fields outside the catalog (the sync keeps them in _extra).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { type ChildRun, runChild } from './child-process.js';
import { duckdbFloor, sqliteFloor } from './load-floors.js';
import { writeNdjson } from './ndjson-records.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const SESSIONS = Number(option('sessions', '20000'));
const MESSAGES = Number(option('messages', '20'));
const TARGETS = option('targets', 'duckdb,sqlite').split(',') as TargetKind[];
const cli = resolve('dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'devin-tap-load-bench-'));
const rate = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString()} rows/s`;

function ensureOk(label: string, run: ChildRun): void {
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}: ${run.stderrTail}`);
}

async function countRows(kind: TargetKind, path: string): Promise<number> {
  const sql = STREAM_NAMES.map((s) => `(SELECT count(*) FROM "${s}")`).join(' + ');
  if (kind === 'sqlite') {
    const db = new Database(path, { readonly: true });
    try {
      return Number(Object.values(db.prepare(`SELECT ${sql} AS n`).get() as object)[0]);
    } finally {
      db.close();
    }
  }
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return Number((await connection.runAndReadAll(`SELECT (${sql})::BIGINT`)).getRows()[0]?.[0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function writeConfigAndCatalog(sim: Simulator): { config: string; catalog: string } {
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ ...sim.config(), page_size: 200, max_concurrency: 8 }));
  const catalog = join(dir, 'catalog.json');
  const streams = STREAM_NAMES.map((name) => ({
    stream: { name },
    sync_mode: 'full_refresh',
    destination_sync_mode: 'overwrite',
  }));
  writeFileSync(catalog, JSON.stringify({ streams }));
  return { config, catalog };
}

async function benchTarget(kind: TargetKind, config: string, ndjson: Map<string, string>, records: number) {
  const database = join(dir, `sync.${kind}`);
  const args = ['sync', '--config', config, '--target', kind, '--database', database, '--quiet'];
  const sync = await runChild(cli, [...args, '--streams', STREAM_NAMES.join(',')]);
  ensureOk(`devin-tap sync --target ${kind}`, sync);
  const loaded = await countRows(kind, database);
  const floorPath = join(dir, `floor.${kind}`);
  const floorSeconds =
    kind === 'duckdb' ? await duckdbFloor(floorPath, ndjson) : await sqliteFloor(floorPath, ndjson);
  const floorLoaded = await countRows(kind, floorPath);
  const ratio = records / sync.seconds / (records / floorSeconds);
  const floorName = kind === 'duckdb' ? 'read_json of NDJSON' : 'prepared INSERT loop, 1 transaction';
  console.log(`\n${kind}:`);
  console.log(
    `  devin-tap sync: ${sync.seconds.toFixed(2)} s, ${rate(records, sync.seconds)}, ${loaded.toLocaleString()} rows loaded`,
  );
  console.log(
    `  floor (${floorName}): ${floorSeconds.toFixed(2)} s, ${rate(records, floorSeconds)}, ${floorLoaded.toLocaleString()} rows`,
  );
  console.log(
    `  ratio sync/floor: ${ratio.toFixed(3)}${kind === 'duckdb' ? ' (aim >= 0.5)' : ' (no aim set)'}`,
  );
  console.log(`  peak RSS of the sync: ${sync.peakRssMb.toFixed(0)} MB (aim < 250 MB)`);
  return { seconds: sync.seconds, floorSeconds };
}

async function main(): Promise<void> {
  const sim = await startSimulator({ sessions: SESSIONS, messagesPerSession: MESSAGES, seed: 42 });
  try {
    const { config, catalog } = writeConfigAndCatalog(sim);
    const ndjson = await writeNdjson(sim, dir);
    console.log(
      `org: ${SESSIONS.toLocaleString()} sessions x ${MESSAGES} messages: ${ndjson.records.toLocaleString()} records, ${(ndjson.bytes / 1e6).toFixed(0)} MB of JSON`,
    );
    sim.clearRequestLog();
    const read = await runChild(cli, ['read', '--config', config, '--catalog', catalog]);
    ensureOk('devin-tap read', read);
    const requests = sim.requestLog.length;
    console.log(
      `devin-tap read (reference, output discarded): ${read.seconds.toFixed(2)} s, ${rate(ndjson.records, read.seconds)}, ${requests.toLocaleString()} requests, peak RSS ${read.peakRssMb.toFixed(0)} MB`,
    );
    for (const kind of TARGETS) {
      const { seconds, floorSeconds } = await benchTarget(kind, config, ndjson.files, ndjson.records);
      const writing = seconds - read.seconds;
      console.log(
        `  sync - read: ${writing.toFixed(2)} s beyond reading; write share ${rate(ndjson.records, writing)}, ${(floorSeconds / writing).toFixed(2)} of the floor`,
      );
      // Even a free write cannot beat the read: the best ratio this reader allows.
      console.log(`  ratio bound set by reading alone: ${(floorSeconds / read.seconds).toFixed(3)}`);
      // The read is the unavoidable part: 1.00 would mean writing costs nothing on top of it.
      console.log(`  ratio sync/read: ${(seconds / read.seconds).toFixed(2)} (sync time over read time)`);
    }
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
