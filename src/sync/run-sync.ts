import type { Writable } from 'node:stream';
import { Interrupted, type InterruptSignal, interruptOf } from '../interrupts.js';
import { type ConfigRequest, loadConfig } from '../io/config-input.js';
import { boundHeapGrowth, SYNC_HEAP_GROWING_PERCENT } from '../io/heap-growth.js';
import { forTerminal } from '../io/wrap-text.js';
import { createAnalystViews } from '../ops/analyst-views.js';
import { createLogger, type LogFormat } from '../ops/logger.js';
import { RunHistory } from '../ops/run-history.js';
import { StreamLog } from '../ops/stream-log.js';
import { VIEW_NAMES } from '../report/views.js';
import { schemaOf } from '../tap/catalog.js';
import { redact, type Scope, type TapConfig } from '../tap/config.js';
import type { LogLevel, TapEvent } from '../tap/events.js';
import { resolveOrgId } from '../tap/org-id.js';
import { preflight } from '../tap/preflight.js';
import { type ConfiguredStream, readStreams } from '../tap/read/read.js';
import { streamsOf } from '../tap/streams/index.js';
import { parseMemoryLimit } from '../targets/duckdb/memory.js';
import { type StreamWriteStats, writeEvents } from '../targets/event-writer.js';
import type { Target, TargetKind } from '../targets/target.js';
import { migrationMessages } from '../targets/time-migration.js';
import { WorkerTarget } from '../targets/worker-target.js';
import { claimScope, streamStates } from './database-scope.js';
import { untilInterrupted } from './interruptible.js';
import { type DisplayMode, ProgressDisplay } from './progress-display.js';
import { type SummaryRow, summaryTable, summaryTotals } from './progress-format.js';
import { ProgressPublisher } from './progress-publisher.js';
import { ProgressTracker } from './progress-tracker.js';
import { runOutcome } from './run-outcome.js';
import { selectStreams } from './stream-selection.js';

export interface SyncOptions {
  /** Config files (merged, later wins); empty: config from DEVIN_API_TOKEN / DEVIN_ORG_ID. */
  configPaths: readonly string[];
  /** The full config request (options, environment, `.env`, files); wins over `configPaths`. */
  config?: ConfigRequest;
  /** Stream logs (INFO start/end, WARN retries) on stderr; none: the tap's warnings only. */
  log?: { level: LogLevel; format: LogFormat };
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
  /** Aborted with an Interrupted reason by SIGINT / SIGTERM: stop reading, commit, report. */
  signal?: AbortSignal;
}

export interface SyncResult {
  database: string;
  rows: SummaryRow[];
  failures: { stream: string; message: string }[];
  /** Records kept in `_devin_tap_rejected`, per stream: how many and the first reason. */
  rejections: { stream: string; count: number; reason: string }[];
  /** The signal that interrupted the sync, or null. */
  interrupted: InterruptSignal | null;
  seconds: number;
}

/**
 * Tables an earlier devin-tap wrote with other time column types are retyped before anything else,
 * every stream's in one transaction (the views read every table); said once, when it happens.
 */
async function migrateTimeColumns(target: Target, stderr: Writable, scope: Scope): Promise<void> {
  const schemas = streamsOf(scope).map((def) => ({
    name: def.name,
    schema: schemaOf(def),
    keys: def.primaryKey,
  }));
  for (const message of migrationMessages(await target.migrate(schemas)))
    stderr.write(`devin-tap sync: ${message}\n`);
}

export function defaultDatabase(kind: TargetKind): string {
  return kind === 'duckdb' ? './devin.duckdb' : './devin.sqlite';
}

/** `devin-tap sync`: reads the selected streams and writes them into the database, with progress. */
export async function runSync(options: SyncOptions, io: SyncIo): Promise<SyncResult> {
  const request = options.config ?? { configPaths: options.configPaths, env: io.env };
  boundHeapGrowth(SYNC_HEAP_GROWING_PERCENT);
  const loaded = loadConfig(request);
  for (const warning of loaded.warnings)
    io.stderr.write(`${forTerminal(`devin-tap sync: warning: ${warning}`, io.stderr.isTTY)}\n`);
  const config = await resolveOrgId(loaded.config);
  const names = selectStreams(options.streams, config.scope);
  const database = options.database ?? defaultDatabase(options.target);
  const memoryLimit = memoryLimitOf(options, config);
  // Before the database is created or opened: a rejected token or an unreachable API leaves none.
  await preflight(config, names);
  const target = await WorkerTarget.open(
    options.target,
    database,
    memoryLimit === undefined ? {} : { memoryLimit },
  );
  try {
    // Before any change: every table and view this sync would write must be absent or devin-tap's.
    await target.checkObjects([...names, ...VIEW_NAMES]);
    const stored = await target.readState();
    await claimScope(target, stored, config.scope);
    await migrateTimeColumns(target, io.stderr, config.scope);
    const history = await RunHistory.start(target, 'sync', io.now);
    try {
      const result = await syncInto(target, config, names, options, io);
      await history.finish(runOutcome(result));
      return result;
    } catch (error) {
      await history.failed(error, io.signal);
      throw error;
    }
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
  const state = options.fullRefresh ? {} : streamStates(await target.readState());
  const rejections = new Map<string, { count: number; reason: string }>();
  const tracker = new ProgressTracker();
  const mode: DisplayMode = options.quiet || options.json ? 'quiet' : io.stderr.isTTY ? 'live' : 'plain';
  const display = new ProgressDisplay(tracker, io.stderr, mode, io.now);
  const logger = options.log
    ? createLogger({
        ...options.log,
        write: (line) => display.log(line),
        now: io.now,
        redact: (text) => redact(text, config),
      })
    : null;
  const streamLog = logger ? new StreamLog(logger, io.now) : null;
  const startedAt = io.now();
  const syncMode = options.fullRefresh ? 'full_refresh' : 'incremental';
  const configured = names.map((name): ConfiguredStream => ({ name, syncMode }));
  const { signal } = io;
  const read = readStreams({ config, streams: configured, state, ...(signal ? { signal } : {}) });
  const events = signal ? untilInterrupted(read, signal, names) : read;
  const publisher = new ProgressPublisher(target.path, tracker, state, io.now);
  publisher.start();
  display.start();
  let stats: Record<string, StreamWriteStats>;
  try {
    stats = await writeEvents(events, {
      target,
      fullRefresh: new Set(options.fullRefresh ? names : []),
      onCommitted: (streams) => tracker.statesCommitted(streams),
      observer: (event: TapEvent) => {
        tracker.observe(event, io.now());
        if (event.kind === 'rejected') {
          const seen = rejections.get(event.stream) ?? { count: 0, reason: event.reason };
          rejections.set(event.stream, { ...seen, count: seen.count + 1 });
        }
        // An interrupted stream has not failed: the summary says `interrupted`, the log nothing.
        const interrupted = event.kind === 'stream_error' && interruptOf(signal)?.message === event.message;
        if (interrupted) tracker.interrupted(event.stream);
        // Without a log, the screen shows the tap's warnings (not its info lines: users read in full).
        if (streamLog) {
          if (!interrupted) streamLog.observe(event);
        } else if (event.kind === 'log' && (event.level === 'warn' || event.level === 'error'))
          // --quiet drops the progress and the summary, never a warning.
          display.log(event.message);
      },
    });
    tracker.committed();
  } finally {
    if (interruptOf(signal) !== null) tracker.interruptUnfinished();
    display.stop();
    publisher.stop();
  }
  const interrupt = interruptOf(signal);
  if (interrupt === null) await createAnalystViews(target);
  const wasInterrupted = (message: string | null | undefined) =>
    interrupt !== null && message === interrupt.message;
  const rows = names.map((stream): SummaryRow => {
    const progress = tracker.streams.get(stream);
    const written = stats[stream];
    const failed = progress?.status === 'failed' || (written?.error ?? null) !== null;
    return {
      stream,
      inserted: written?.inserted ?? 0,
      updated: written?.updated ?? 0,
      unchanged: (progress?.unchanged ?? 0) + (written?.unchanged ?? 0),
      rejected: rejections.get(stream)?.count ?? 0,
      requests: progress?.requests ?? 0,
      retries: progress?.retries ?? 0,
      seconds: progress ? ((progress.endedAt ?? io.now()) - progress.startedAt) / 1000 : 0,
      status: wasInterrupted(written?.error) ? 'interrupted' : failed ? 'failed' : 'ok',
    };
  });
  const failures = names.flatMap((stream) => {
    const message = stats[stream]?.error ?? tracker.streams.get(stream)?.error ?? null;
    return message === null || wasInterrupted(message) ? [] : [{ stream, message }];
  });
  return {
    database: target.path,
    rows,
    failures,
    rejections: [...rejections].map(([stream, seen]) => ({ stream, ...seen })),
    interrupted: interrupt?.signal ?? null,
    seconds: (io.now() - startedAt) / 1000,
  };
}

/** Prints the summary: a table on stderr (or JSON on stdout with --json), then any failure. */
export function reportSync(
  result: SyncResult,
  options: Pick<SyncOptions, 'quiet' | 'json'>,
  io: SyncIo,
): number {
  const interrupted = result.interrupted === null ? {} : { interrupted: result.interrupted };
  if (options.json) {
    const summary = {
      database: result.database,
      streams: result.rows,
      failures: result.failures,
      totals: summaryTotals(result.rows, result.seconds),
    };
    io.stdout.write(`${JSON.stringify({ ...summary, ...interrupted })}\n`);
  } else if (!options.quiet) {
    const table = summaryTable(result.rows, summaryTotals(result.rows, result.seconds));
    io.stderr.write(`\n${table}\nwrote ${result.database}\n`);
  }
  if (result.interrupted !== null) {
    const rows = result.rows.reduce((sum, row) => sum + row.inserted + row.updated, 0);
    io.stderr.write(
      `interrupted: ${rows.toLocaleString('en-US')} rows committed; run the same command to resume\n`,
    );
    return new Interrupted(result.interrupted).exitCode;
  }
  for (const { stream, count, reason } of result.rejections) {
    const records = count === 1 ? '1 record' : `${count} records`;
    const warning = `devin-tap sync: warning: ${records} of ${stream} rejected (${reason}); kept in _devin_tap_rejected`;
    io.stderr.write(`${forTerminal(warning, io.stderr.isTTY)}\n`);
  }
  // A 403's message names the permission it needs; no other failure gets a permission hint.
  for (const failure of result.failures)
    io.stderr.write(
      `${forTerminal(`devin-tap sync: stream ${failure.stream} failed: ${failure.message}`, io.stderr.isTTY)}\n`,
    );
  return result.failures.length > 0 ? 1 : 0;
}
