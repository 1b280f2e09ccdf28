// What the load and scale benches share: the config and catalog of a six-stream sync, and the rows
// a database holds after it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import type { Simulator } from '../src/simulator/index.js';
import type { TargetKind } from '../src/targets/target.js';

/**
 * The six streams the benches read and load (the floors fetch the same ones): every stream of an
 * organization's sessions and its catalog, not the members, billing or metrics.
 */
export const BENCH_STREAMS: readonly string[] = [
  'sessions',
  'sessions_insights',
  'session_messages',
  'playbooks',
  'secrets',
  'knowledge_notes',
];

/** Rows of the six streams' tables. */
export async function countRows(kind: TargetKind, path: string): Promise<number> {
  const sql = BENCH_STREAMS.map((s) => `(SELECT count(*) FROM "${s}")`).join(' + ');
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

/** config.json (page size 200, max_concurrency 8) and a catalog of the six streams, in `dir`. */
export function writeConfigAndCatalog(sim: Simulator, dir: string): { config: string; catalog: string } {
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ ...sim.config(), page_size: 200, max_concurrency: 8 }));
  const catalog = join(dir, 'catalog.json');
  const streams = BENCH_STREAMS.map((name) => ({
    stream: { name },
    sync_mode: 'full_refresh',
    destination_sync_mode: 'overwrite',
  }));
  writeFileSync(catalog, JSON.stringify({ streams }));
  return { config, catalog };
}
