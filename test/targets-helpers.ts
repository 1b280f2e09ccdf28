import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import type { JsonObject, JsonValue } from '../src/tap/json.js';
import type { StreamSchema, TargetKind } from '../src/targets/target.js';
import { suiteTempDir } from './helpers/temp-dir.js';

export const KINDS: readonly TargetKind[] = ['duckdb', 'sqlite'];

/** A fresh temp directory, removed after the file's tests. */
export function tempDir(): string {
  return suiteTempDir('devin-tap-targets-');
}

let counter = 0;
export function dbPath(dir: string, kind: TargetKind): string {
  counter += 1;
  return join(dir, `db-${counter}.${kind}`);
}

/** Runs a query on a closed database file; values as JSON (DuckDB BIGINT as numbers). */
export async function query(kind: TargetKind, path: string, sql: string): Promise<JsonObject[]> {
  if (kind === 'sqlite') {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare(sql).all() as JsonObject[];
    } finally {
      db.close();
    }
  }
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    const types = reader.columnTypes().map((type) => type.toString());
    return reader.getRowObjectsJson().map((row) => {
      const out: JsonObject = {};
      Object.entries(row).forEach(([name, value], index) => {
        const type = types[index] ?? '';
        out[name] = /INT/.test(type) && typeof value === 'string' ? Number(value) : (value as JsonValue);
      });
      return out;
    });
  } finally {
    // Both, or the file stays locked against other processes until garbage collection.
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows of a table with timestamps as epoch seconds and JSON parsed, ordered by `orderBy`. */
export async function tableRows(
  kind: TargetKind,
  path: string,
  table: string,
  columns: { json?: readonly string[]; timestamps?: readonly string[]; booleans?: readonly string[] },
  orderBy: string,
): Promise<JsonObject[]> {
  const timestamps = columns.timestamps ?? [];
  const select =
    kind === 'duckdb' && timestamps.length > 0
      ? `* REPLACE (${timestamps.map((c) => `epoch(${c})::BIGINT AS ${c}`).join(', ')})`
      : '*';
  const rows = await query(kind, path, `SELECT ${select} FROM "${table}" ORDER BY ${orderBy}`);
  for (const row of rows) {
    for (const name of columns.json ?? []) {
      const value = row[name];
      if (typeof value === 'string') row[name] = JSON.parse(value) as JsonValue;
    }
    for (const name of columns.booleans ?? []) {
      const value = row[name];
      if (typeof value === 'number') row[name] = value === 1;
    }
  }
  return rows;
}

export function schemaOf(
  name: string,
  properties: JsonObject,
  keys: readonly string[],
  additionalProperties = true,
): StreamSchema {
  return { name, schema: { type: 'object', additionalProperties, properties }, keys };
}
