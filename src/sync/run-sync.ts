import type { Writable } from 'node:stream';
import { viewStatements } from '../report/views.js';
import { readConfigFiles, type TapConfig } from '../tap/config.js';
import type { TapEvent } from '../tap/events.js';
import { readStreams } from '../tap/read/read.js';
import { findStream } from '../tap/streams/index.js';
import { parseMemoryLimit } from '../targets/duckdb-memory.js';
import { type StreamWriteStats, writeEvents } from '../targets/event-writer.js';
import type { Target, TargetKind } from '../targets/target.js';
import { WorkerTarget } from '../targets/worker-target.js';
import { type DisplayMode, ProgressDisplay } from './progress-display.js';
import { type SummaryRow, summaryTable } from './progress-format.js';
import { ProgressTracker } from './progress-tracker.js';
import { selectStreams } from './stream-selection.js';

export interface SyncOptions {
  /** Config files (merged, later wins); empty: config from DEVIN_API_TOKEN / DEVIN_ORG_ID. */
  configPaths: readonly string[];
  target: TargetKind;
  database?: string;
  /** `--streams a,b`; undefined: all but session_messages. */
  streams?: string;
  fullRefresh: boolean;
  quiet: boolean;
  json: boolean;
  /** `--memory-limit`: DuckDB memory_limit; wins over the config's duckdb_memory_limit. */
  memoryLimit?: string;
}

export interface SyncIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now: () => number;
}

export interface SyncResult {
  database: string;
  rows: SummaryRow[];
  failures: { stream: string; message: string }[];
}

export function defaultDatabase(kind: TargetKind): string {
  return kind === 'duckdb' ? './devin.duckdb' : './devin.sqlite';
}

/** `devin-tap sync`: reads the selected streams and writes them into the database, with progress. */
export async function runSync(options: SyncOptions, io: SyncIo): Promise<SyncResult> {
  const config = readConfigFiles(options.configPaths, io.env);
  const names = selectStreams(options.streams);
  const database = options.database ?? defaultDatabase(options.target);
  const memoryLimit = memoryLimitOf(options, config);
  // The database lives on its own thread: rows are written while the next pages are read.
  const target = await WorkerTarget.open(
    options.target,
    database,
    memoryLimit === undefined ? {} : { memoryLimit },
  );
  try {
    return await syncInto(target, config, names, options, io);
  } finally {
    await target.close();
  }
}

function memoryLimitOf(options: SyncOptions, config: TapConfig): string | undefined {
  if (options.memoryLimit !== undefined) return parseMemoryLimit(options.memoryLimit, '--memory-limit');
  if (config.duckdbMemoryLimit !== undefined)
    return parseMemoryLimit(config.duckdbMemoryLimit, 'config field "duckdb_memory_limit"');
  return undefined;
}

async function syncInto(
  target: Target,
  config: TapConfig,
  names: readonly string[],
  options: SyncOptions,
  io: SyncIo,
): Promise<SyncResult> {
  const state = options.fullRefresh ? {} : await target.readState();
  const tracker = new ProgressTracker();
  const mode: DisplayMode = options.quiet || options.json ? 'quiet' : io.stderr.isTTY ? 'live' : 'plain';
  const display = new ProgressDisplay(tracker, io.stderr, mode, io.now);
  const syncMode = options.fullRefresh ? 'full_refresh' : 'incremental';
  const events = readStreams({ config, streams: names.map((name) => ({ name, syncMode })), state });
  display.start();
  let stats: Record<string, StreamWriteStats>;
  try {
    stats = await writeEvents(events, {
      target,
      fullRefresh: new Set(options.fullRefresh ? names : []),
      observer: (event: TapEvent) => {
        tracker.observe(event, io.now());
        if (event.kind === 'log' && event.level !== 'debug' && !options.quiet)
          io.stderr.write(`${event.message}\n`);
      },
    });
  } finally {
    display.stop();
  }
  await target.execute(viewStatements(target.kind, await target.tableNames()));
  const rows = names.map((stream): SummaryRow => {
    const progress = tracker.streams.get(stream);
    const written = stats[stream];
    const failed = progress?.status === 'failed' || (written?.error ?? null) !== null;
    return {
      stream,
      inserted: written?.inserted ?? 0,
      updated: written?.updated ?? 0,
      unchanged: progress?.unchanged ?? 0,
      requests: progress?.requests ?? 0,
      retries: progress?.retries ?? 0,
      seconds: progress ? ((progress.endedAt ?? io.now()) - progress.startedAt) / 1000 : 0,
      status: failed ? 'failed' : 'ok',
    };
  });
  const failures = names.flatMap((stream) => {
    const message = stats[stream]?.error ?? tracker.streams.get(stream)?.error ?? null;
    return message === null ? [] : [{ stream, message }];
  });
  return { database: target.path, rows, failures };
}

/** Prints the summary: a table on stderr (or JSON on stdout with --json), then any failure. */
export function reportSync(
  result: SyncResult,
  options: Pick<SyncOptions, 'quiet' | 'json'>,
  io: SyncIo,
): number {
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({ database: result.database, streams: result.rows, failures: result.failures })}\n`,
    );
  } else if (!options.quiet) {
    io.stderr.write(`\n${summaryTable(result.rows)}\n\nwrote ${result.database}\n`);
  }
  for (const failure of result.failures) {
    const permission = findStream(failure.stream)?.permission;
    const hint = permission && !failure.message.includes(permission) ? ` (needs ${permission})` : '';
    io.stderr.write(`devin-tap sync: stream ${failure.stream} failed: ${failure.message}${hint}\n`);
  }
  return result.failures.length > 0 ? 1 : 0;
}
