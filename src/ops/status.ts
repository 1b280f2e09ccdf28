import { openReadOnly, type ReportDatabase, type Row } from '../report/database.js';
import { isJsonObject, parseJson } from '../tap/json.js';
import { streamNamesOf } from '../tap/streams/index.js';
import { quoteIdent } from '../targets/table-layout.js';
import { REFRESH_PREFIX, SCOPE_STATE_KEY, SINGER_STATE_KEY, STATE_TABLE } from '../targets/target.js';
import { lastRuns, type RunStatusRow } from './run-status.js';

export const REJECTED_TABLE = '_devin_tap_rejected';

export interface StreamStatusRow {
  stream: string;
  /** Rows in the stream's table; null when the table does not exist (never synced). */
  rows: number | null;
  /** When the stream's state was last stored (ISO, UTC); the last successful sync when no checkpoint is pending. */
  lastSync: string | null;
  /** The incremental bookmark as a UTC date-time. */
  bookmark: string | null;
  /** A read was interrupted part-way: the next sync resumes from its checkpoint. */
  checkpointPending: boolean;
  /** A full refresh was interrupted: its staging table is still there. */
  refreshPending: boolean;
  rejected: number | null;
}

export interface DatabaseStatus {
  streams: StreamStatusRow[];
  /** The last runs of sync and load, newest first. */
  runs: RunStatusRow[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function stateRows(db: ReportDatabase, tables: Set<string>): Promise<Map<string, Row>> {
  if (!tables.has(STATE_TABLE)) return new Map();
  const updatedMs = db.dialect === 'duckdb' ? 'epoch_ms(updated_at)' : 'updated_at';
  const rows = await db.all(
    `SELECT stream, CAST(state AS TEXT) AS state, ${updatedMs} AS updated_ms FROM ${STATE_TABLE}`,
  );
  return new Map(rows.map((row) => [String(row.stream), row]));
}

async function rejectedCounts(db: ReportDatabase, tables: Set<string>): Promise<Map<string, number> | null> {
  if (!tables.has(REJECTED_TABLE)) return null;
  const rows = await db.all(`SELECT stream, count(*) AS n FROM ${REJECTED_TABLE} GROUP BY stream`);
  return new Map(rows.map((row) => [String(row.stream), Number(row.n)]));
}

function parseState(text: unknown): Record<string, unknown> {
  try {
    const value = parseJson(String(text));
    return isJsonObject(value) ? value : {};
  } catch {
    return {};
  }
}

async function streamStatus(
  db: ReportDatabase,
  stream: string,
  tables: Set<string>,
  states: Map<string, Row>,
  rejected: Map<string, number> | null,
): Promise<StreamStatusRow> {
  const count = tables.has(stream)
    ? Number((await db.all(`SELECT count(*) AS n FROM ${quoteIdent(stream)}`))[0]?.n ?? 0)
    : null;
  const { row, state } = streamState(stream, states);
  const cursor = typeof state.cursor === 'number' ? state.cursor : null;
  return {
    stream,
    rows: count,
    lastSync: row === undefined ? null : iso(Number(row.updated_ms)),
    bookmark: cursor === null ? null : iso(cursor * 1000),
    checkpointPending: isJsonObject(state.checkpoint),
    refreshPending: tables.has(REFRESH_PREFIX + stream),
    rejected: rejected === null ? null : (rejected.get(stream) ?? 0),
  };
}

/**
 * A stream's state row: its own (written by `sync`), else its bookmark in the last Singer STATE
 * `load` committed (`{"bookmarks": {stream: state}}`), stored when that STATE was.
 */
function streamState(
  stream: string,
  states: Map<string, Row>,
): { row?: Row; state: Record<string, unknown> } {
  const own = states.get(stream);
  if (own !== undefined) return { row: own, state: parseState(own.state) };
  const singer = states.get(SINGER_STATE_KEY);
  if (singer === undefined) return { state: {} };
  const bookmarks = parseState(singer.state).bookmarks;
  const bookmark = isJsonObject(bookmarks) ? bookmarks[stream] : undefined;
  return isJsonObject(bookmark) ? { row: singer, state: bookmark } : { state: {} };
}

/**
 * Per stream: rows, last sync, bookmark, pending checkpoint or refresh, rejected rows; and the last
 * `runs` runs. Read-only.
 */
export async function databaseStatus(path: string, runs: number): Promise<DatabaseStatus> {
  const db = await openReadOnly(path);
  try {
    const tables = await db.tables();
    const states = await stateRows(db, tables);
    const rejected = await rejectedCounts(db, tables);
    const streams: StreamStatusRow[] = [];
    // The streams of the scope the database holds (an enterprise database records it).
    const scope =
      parseState(states.get(SCOPE_STATE_KEY)?.state).scope === 'enterprise' ? 'enterprise' : 'organization';
    for (const stream of streamNamesOf(scope))
      streams.push(await streamStatus(db, stream, tables, states, rejected));
    return { streams, runs: await lastRuns(db, tables, runs) };
  } finally {
    db.close();
  }
}
