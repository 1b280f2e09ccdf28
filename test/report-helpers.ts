/**
 * Test helpers for the report: databases written by the real targets (src/targets) from the
 * simulator's ground truth, and plain read-write access to them for checking the views.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import type { Dialect } from '../src/report/views.js';
import type { Simulator } from '../src/simulator/index.js';
import { streamSchema } from '../src/tap/catalog.js';
import { parseConfig } from '../src/tap/config.js';
import type { JsonObject } from '../src/tap/json.js';
import { readStreams } from '../src/tap/read/read.js';
import { findStream } from '../src/tap/streams/index.js';
import { writeEvents } from '../src/targets/event-writer.js';
import { openTarget } from '../src/targets/open-target.js';

export type StreamRows = Record<string, readonly JsonObject[]>;

/** Everything the simulator serves for these streams, as the tap would emit it (messages get session_id). */
export function simulatorRows(sim: Simulator, streams: readonly string[]): StreamRows {
  const rows: StreamRows = {};
  const sources: Record<string, () => JsonObject[]> = {
    sessions: () => [...sim.sessions()],
    sessions_insights: () => [...sim.insights()],
    session_messages: () =>
      [...sim.sessions()].flatMap((session) =>
        [...sim.messages(String(session.session_id))].map((message) => ({
          ...message,
          session_id: String(session.session_id),
        })),
      ),
    playbooks: () => [...sim.playbooks()],
    secrets: () => [...sim.secrets()],
    knowledge_notes: () => [...sim.knowledgeNotes()],
  };
  for (const stream of streams) {
    const source = sources[stream];
    if (!source) throw new Error(`unknown stream ${stream}`);
    rows[stream] = source();
  }
  return rows;
}

/** Syncs streams from the simulator over HTTP through the tap and the targets, as `devin-tap sync` does. */
export async function syncDatabase(
  dialect: Dialect,
  path: string,
  sim: Simulator,
  streams: readonly string[],
): Promise<void> {
  const config = parseConfig(sim.config(), {});
  const target = await openTarget(dialect, path);
  try {
    const events = readStreams({
      config,
      streams: streams.map((name) => ({ name, syncMode: 'incremental' })),
    });
    const stats = await writeEvents(events, { target });
    const failed = Object.entries(stats).filter(([, s]) => s.error !== null);
    if (failed.length > 0) throw new Error(`sync failed: ${JSON.stringify(failed)}`);
  } finally {
    await target.close();
  }
}

/** Primary keys of streams whose definitions may not be on this branch yet (catalog/<stream>.json is). */
/** Writes the rows into a new DuckDB or SQLite file through the targets (tables laid out as sync does). */
export async function writeDatabase(dialect: Dialect, path: string, rows: StreamRows): Promise<void> {
  const target = await openTarget(dialect, path);
  try {
    const streams = Object.keys(rows).map((name) => ({
      name,
      schema: streamSchema(name),
      keys: findStream(name)?.primaryKey ?? [],
    }));
    await target.prepare(streams);
    // Commits every 5,000 rows, as sync does at its checkpoints: one huge transaction would not fit in
    // the DuckDB target's memory limit for a 100,000-session benchmark organization.
    for (const [stream, records] of Object.entries(rows)) {
      for (let start = 0; start < records.length; start += 500) {
        await target.write(stream, records.slice(start, start + 500));
        if ((start / 500) % 10 === 9) await target.checkpoint({});
      }
    }
    await target.checkpoint({});
  } finally {
    await target.close();
  }
}

export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Opens the file read-write, runs `statements` (e.g. the views), then `check` with a query function. */
export async function withDatabase(
  dialect: Dialect,
  path: string,
  statements: readonly string[],
  check: (query: Query) => Promise<void>,
): Promise<void> {
  if (dialect === 'sqlite') {
    const db = new Database(path);
    try {
      for (const statement of statements) db.exec(statement);
      await check(async (sql) => db.prepare(sql).all() as Record<string, unknown>[]);
    } finally {
      db.close();
    }
    return;
  }
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const statement of statements) await connection.run(statement);
    await check(
      async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[],
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Monday (UTC, YYYY-MM-DD) of the ISO week holding an epoch-seconds instant: computed without SQL. */
export function isoWeekMonday(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - daysSinceMonday))
    .toISOString()
    .slice(0, 10);
}

/** Adds `value` to the number at `key`. */
export function tally<K>(map: Map<K, number>, key: K, value = 1): Map<K, number> {
  map.set(key, (map.get(key) ?? 0) + value);
  return map;
}
