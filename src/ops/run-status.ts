import { alive } from '../io/progress-file.js';
import type { ReportDatabase, Row } from '../report/database.js';
import { isJsonObject, type JsonObject, parseJson } from '../tap/json.js';
import { RUNS_TABLE } from '../targets/runs-table.js';
import { textTable } from './text-table.js';

/** One row of `_devin_tap_runs` as `status` shows it. */
export interface RunStatusRow {
  runId: string;
  command: string;
  startedAt: string;
  finishedAt: string | null;
  /** ok, failed, interrupted; `running` only while its process is alive. */
  status: string;
  rowsWritten: number;
  requests: number | null;
  streams: JsonObject;
  error: string | null;
}

export const DEFAULT_RUNS = 5;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function parseStreams(text: unknown): JsonObject {
  try {
    const value = parseJson(String(text));
    return isJsonObject(value) ? value : {};
  } catch {
    return {};
  }
}

function toStatusRow(row: Row): RunStatusRow {
  // A run still `running` whose process is gone was killed: it ended, interrupted, at an unknown time.
  const killed = row.status === 'running' && !alive(Number(row.pid));
  return {
    runId: String(row.run_id),
    command: String(row.command),
    startedAt: iso(Number(row.started_ms)),
    finishedAt: row.finished_ms === null ? null : iso(Number(row.finished_ms)),
    status: killed ? 'interrupted' : String(row.status),
    rowsWritten: Number(row.rows_written),
    requests: row.requests === null ? null : Number(row.requests),
    streams: parseStreams(row.streams),
    error: killed
      ? 'the process ended without finishing (killed)'
      : row.error === null
        ? null
        : String(row.error),
  };
}

/** The last `limit` runs, newest first; none when the database predates the runs table. */
export async function lastRuns(
  db: ReportDatabase,
  tables: Set<string>,
  limit: number,
): Promise<RunStatusRow[]> {
  if (!tables.has(RUNS_TABLE)) return [];
  const ms = (column: string) => (db.dialect === 'duckdb' ? `epoch_ms(${column})` : column);
  const rows = await db.all(
    `SELECT run_id, command, ${ms('started_at')} AS started_ms, ${ms('finished_at')} AS finished_ms, status, ` +
      `rows_written, requests, CAST(streams AS TEXT) AS streams, pid, error FROM ${RUNS_TABLE} ` +
      `ORDER BY started_at DESC, run_id LIMIT ${Math.max(0, Math.floor(limit))}`,
  );
  return rows.map(toStatusRow);
}

const minute = (iso: string) => iso.replace('T', ' ').replace(/:\d\dZ$/, '');

function duration(run: RunStatusRow): string {
  if (run.finishedAt === null) return '-';
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return seconds.toFixed(0);
}

/** The runs as a table that fits 80 columns. */
export function runsTable(runs: readonly RunStatusRow[]): string {
  if (runs.length === 0) return 'no runs recorded yet';
  const lines = runs.map((run) => [
    minute(run.startedAt),
    run.command,
    run.status,
    duration(run),
    run.rowsWritten.toLocaleString('en-US'),
    run.requests === null ? '-' : run.requests.toLocaleString('en-US'),
    run.error ?? '',
  ]);
  const header = ['started UTC', 'command', 'status', 'secs', 'rows', 'reqs', 'error'];
  return textTable(header, lines, { right: new Set([3, 4, 5]), maxCell: 16 });
}
