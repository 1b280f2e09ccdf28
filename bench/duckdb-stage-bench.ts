// How a shaped batch gets into DuckDB's TEMP staging table (issue 22). Prints figures; asserts nothing.
//   node dist/bench/duckdb-stage-bench.js [--rows 200000] [--batch 20000] [--approaches a,b,c]
//     [--stream session_messages|sessions] [--as-target yes]
// (after `npm run build`.) Shapes the stream's rows of the simulator (as `sync` shapes them), then
// stages them batch by batch into a file database, one child process per approach so each one's CPU
// (process-wide: DuckDB's threads included) and resident set are its own. Only the staging is timed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { startSimulator } from '../src/simulator/index.js';
import { streamSchema } from '../src/tap/catalog.js';
import type { JsonObject } from '../src/tap/json.js';
import { findStream } from '../src/tap/streams/index.js';
import { dropStagingSql } from '../src/targets/duckdb/batch.js';
import { defaultMemoryLimit } from '../src/targets/duckdb/memory.js';
import { type ShapedRow, shapeBatch } from '../src/targets/rows.js';
import { type TableLayout, tableLayout } from '../src/targets/table-layout.js';
import { APPROACHES, cpuSeconds, inDuckdb } from './duckdb-stage-approaches.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const ROWS = Number(option('rows', '200000'));
const BATCH = Number(option('batch', '20000'));
/** `--as-target yes`: the target's DuckDB settings, one open transaction, the staging table dropped after each batch. */
const AS_TARGET = option('as-target', 'no') === 'yes';
const STREAM = option('stream', 'session_messages') === 'sessions' ? 'sessions' : 'session_messages';

async function shapedRows(count: number): Promise<{ layout: TableLayout; rows: ShapedRow[] }> {
  const layout = tableLayout(
    'duckdb',
    { name: STREAM, schema: streamSchema(STREAM), keys: findStream(STREAM)?.primaryKey ?? [] },
    [],
  );
  const messagesPerSession = STREAM === 'sessions' ? 1 : 20;
  const sim = await startSimulator({
    sessions: Math.ceil(count / messagesPerSession),
    messagesPerSession,
    seed: 42,
  });
  const records: JsonObject[] = [];
  try {
    for (const session of sim.sessions()) {
      if (STREAM === 'sessions') {
        records.push(session);
        continue;
      }
      const sessionId = String(session.session_id);
      for (const message of sim.messages(sessionId)) {
        if (records.length < count) records.push({ ...message, session_id: sessionId });
      }
    }
  } finally {
    await sim.close();
  }
  const rows = shapeBatch(layout, records, undefined, Date.now()).rows;
  return { layout, rows };
}

/** Child: stages every batch with one approach and prints one JSON line of figures. */
async function runApproach(name: string): Promise<void> {
  const stage = APPROACHES[name];
  if (!stage) throw new Error(`unknown approach ${name}`);
  const { layout, rows } = await shapedRows(ROWS);
  const dir = mkdtempSync(join(tmpdir(), 'devin-tap-stage-'));
  const path = join(dir, 'bench.duckdb');
  mkdirSync(`${path}.tmp`);
  const instance = await DuckDBInstance.create(path, {
    temp_directory: `${path}.tmp`,
    ...(AS_TARGET
      ? {
          memory_limit: defaultMemoryLimit(),
          allocator_flush_threshold: '1MB',
          allocator_bulk_deallocation_flush_threshold: '1MB',
        }
      : {}),
  });
  const connection = await instance.connect();
  const seen = rows.map((_, index) => index % 7 === 0);
  const bytes = rows.reduce((sum, row) => sum + JSON.stringify(row.cells).length, 0);
  try {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const startedCpu = cpuSeconds();
    const started = performance.now();
    if (AS_TARGET) await connection.run('BEGIN TRANSACTION');
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      await stage(connection, '_stage_bench', layout, batch, seen.slice(start, start + BATCH), `${path}.tmp`);
      if (AS_TARGET && start + BATCH < rows.length) await connection.run(dropStagingSql('_stage_bench'));
    }
    const wall = (performance.now() - started) / 1000;
    const cpu = cpuSeconds() - startedCpu;
    const check = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM temp.main._stage_bench');
    if (AS_TARGET) await connection.run('COMMIT');
    const last = rows.length - Math.floor((rows.length - 1) / BATCH) * BATCH;
    const peak = process.resourceUsage().maxRSS / 1024;
    console.log(
      JSON.stringify({
        name,
        rows: rows.length,
        messageChars: bytes,
        wall,
        cpu,
        rssBeforeMb: rssBefore / 2 ** 20,
        peakRssMb: peak,
        duckdbCpu: inDuckdb.cpu,
        duckdbWall: inDuckdb.wall,
        lastBatchOk: check.getRowObjects()[0]?.n === last,
      }),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const names = option('approaches', Object.keys(APPROACHES).join(',')).split(',');
  const self = fileURLToPath(import.meta.url);
  const how = AS_TARGET ? ', as the target does (its settings, one transaction)' : '';
  console.log(
    `staging ${ROWS.toLocaleString()} ${STREAM} rows in batches of ${BATCH.toLocaleString()}${how}`,
  );
  console.log(
    'approach            CPU s/100k  wall s/100k  DuckDB load CPU/wall  peak RSS MB (before staging)  check',
  );
  for (const name of names) {
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        self,
        '--child',
        name,
        '--rows',
        `${ROWS}`,
        '--batch',
        `${BATCH}`,
        '--stream',
        STREAM,
        '--as-target',
        AS_TARGET ? 'yes' : 'no',
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      console.log(`${name.padEnd(18)}  failed: ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      continue;
    }
    const figures = JSON.parse(line) as Record<string, number | string | boolean>;
    const per = (value: number) => ((value * 100_000) / Number(figures.rows)).toFixed(2);
    console.log(
      `${name.padEnd(18)}  ${per(Number(figures.cpu)).padStart(10)}  ${per(Number(figures.wall)).padStart(11)}  ${Number(figures.duckdbCpu) > 0 ? `${per(Number(figures.duckdbCpu))} / ${per(Number(figures.duckdbWall))}` : '-'}  ${Number(figures.peakRssMb).toFixed(0).padStart(11)} (${Number(figures.rssBeforeMb).toFixed(0)})${' '.repeat(16)}  ${figures.lastBatchOk ? 'ok' : 'WRONG COUNT'}`,
    );
  }
}

const child = process.argv.indexOf('--child');
if (child === -1) main();
else await runApproach(process.argv[child + 1] ?? '');
