import type { JsonObject } from '../tap/json.js';
import type { Dialect } from './column-types.js';

/** One row per `sync` or `load`: when it ran, how it ended, what it wrote. */
export const RUNS_TABLE = '_devin_tap_runs';

/** `running` while the run goes on; a killed run keeps it (status shows it as interrupted). */
export type RunStatus = 'running' | 'ok' | 'failed' | 'interrupted';

export interface RunRecord {
  runId: string;
  command: 'sync' | 'load';
  /** Epoch milliseconds. */
  startedAt: number;
  finishedAt: number | null;
  status: RunStatus;
  /** Rows inserted or updated and committed. */
  rowsWritten: number;
  /** HTTP requests made (null for `load`, which makes none). */
  requests: number | null;
  /** Per stream: its counts and outcome. */
  streams: JsonObject;
  /** The process that ran it, so that `status` can tell a running run from a killed one. */
  pid: number;
  /** Why the run failed, when it did. */
  error: string | null;
}

export function runsTableSql(dialect: Dialect): string {
  const [time, json] = dialect === 'duckdb' ? ['TIMESTAMPTZ', 'JSON'] : ['INTEGER', 'TEXT'];
  return (
    `CREATE TABLE IF NOT EXISTS ${RUNS_TABLE} (run_id TEXT PRIMARY KEY, command TEXT NOT NULL, ` +
    `started_at ${time} NOT NULL, finished_at ${time}, status TEXT NOT NULL, rows_written BIGINT NOT NULL, ` +
    `requests BIGINT, streams ${json} NOT NULL, pid INTEGER, error TEXT)`
  );
}

/**
 * The upsert of one run, with positional parameters ($1..$10 in DuckDB, ? in SQLite) in the order
 * of `runParameters`. Times are epoch milliseconds (SQLite keeps them so, as in its other own tables).
 */
export function upsertRunSql(dialect: Dialect): string {
  const p = (n: number) => (dialect === 'duckdb' ? `$${n}` : '?');
  const time = (n: number) => (dialect === 'duckdb' ? `make_timestamptz(${p(n)}::BIGINT * 1000)` : p(n));
  const json = (n: number) => (dialect === 'duckdb' ? `${p(n)}::JSON` : p(n));
  return (
    `INSERT INTO ${RUNS_TABLE} (run_id, command, started_at, finished_at, status, rows_written, requests, streams, pid, error) ` +
    `VALUES (${p(1)}, ${p(2)}, ${time(3)}, ${time(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${json(8)}, ${p(9)}, ${p(10)}) ` +
    'ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status, ' +
    'rows_written = excluded.rows_written, requests = excluded.requests, streams = excluded.streams, error = excluded.error'
  );
}

export function runParameters(run: RunRecord): (string | number | null)[] {
  return [
    run.runId,
    run.command,
    Math.round(run.startedAt),
    run.finishedAt === null ? null : Math.round(run.finishedAt),
    run.status,
    run.rowsWritten,
    run.requests,
    JSON.stringify(run.streams),
    run.pid,
    run.error,
  ];
}
