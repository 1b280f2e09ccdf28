/** Shared by the `devin-tap sync` contract tests: run the built CLI, compare tables with the simulator. */
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Simulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { databaseRows, withoutNulls } from './helpers/database-rows.js';
import { expectedRecords, PRIMARY_KEY } from './helpers/ground-truth.js';
import { CLI, type CliResult, runCli, writeJson } from './helpers/run-cli.js';
import { suiteTempDir } from './helpers/temp-dir.js';

export const ALL_STREAMS = STREAM_NAMES.join(',');

export interface SummaryRow {
  stream: string;
  inserted: number;
  updated: number;
  unchanged?: number;
  requests: number;
  retries: number;
  seconds: number;
  status: string;
}

export interface SyncSummary {
  database: string;
  streams: SummaryRow[];
  failures: { stream: string; message: string }[];
}

export interface SyncRun extends CliResult {
  /** The `--json` summary on stdout, or null when stdout held none. */
  summary: SyncSummary | null;
}

/** A fresh temp directory, removed after the enclosing suite. */
export function syncTempDir(): string {
  return suiteTempDir('devin-tap-sync-');
}

export function databasePath(dir: string, kind: TargetKind, name = 'devin'): string {
  return join(dir, `${name}.${kind}`);
}

/** A config file for the simulator; `extra` adds or overrides fields. */
export function configFile(dir: string, sim: Simulator, extra: JsonObject = {}): string {
  return writeJson(dir, `config-${Math.random().toString(36).slice(2)}.json`, { ...sim.config(), ...extra });
}

function parseSummary(stdout: string): SyncSummary | null {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  if (!line.startsWith('{')) return null;
  return JSON.parse(line) as SyncSummary;
}

/** Runs `devin-tap sync --json` (plus `args`) as a child process. */
export async function runSync(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<SyncRun> {
  const result = await runCli(CLI, ['sync', '--json', ...args], options);
  return { ...result, summary: parseSummary(result.stdout) };
}

/** `sync --config F --target K --database P --streams <all nine>` */
export function syncArgs(
  config: string,
  kind: TargetKind,
  database: string,
  streams = ALL_STREAMS,
): string[] {
  return ['--config', config, '--target', kind, '--database', database, '--streams', streams];
}

/** Asserts each stream's table holds every record the simulator serves, once, equal field by field. */
export async function expectTablesEqualSimulator(
  kind: TargetKind,
  path: string,
  sim: Simulator,
  streams: readonly string[] = STREAM_NAMES,
): Promise<void> {
  const expected = expectedRecords(sim);
  for (const stream of streams) {
    const keyOf = PRIMARY_KEY[stream] as (row: JsonObject) => string;
    const want = expected[stream] as Map<string, JsonObject>;
    const rows = await databaseRows(kind, path, stream);
    const keys = rows.map(keyOf);
    expect(new Set(keys).size, `${stream}: duplicate keys`).toBe(keys.length);
    expect([...keys].sort(), `${stream}: keys`).toEqual([...want.keys()].sort());
    for (const row of rows) {
      expect(row, `${stream} ${keyOf(row)}`).toEqual(withoutNulls(want.get(keyOf(row)) ?? {}));
    }
  }
}

/** Message list requests in the request log, as session ids (one per page). */
export function messageRequestSessions(sim: Simulator): string[] {
  return sim.requestLog
    .filter((entry) => entry.path.endsWith('/messages'))
    .map((entry) => entry.path.split('/').at(-2) ?? '');
}

export function summaryRow(run: SyncRun, stream: string): SummaryRow | undefined {
  return run.summary?.streams.find((row) => row.stream === stream);
}
