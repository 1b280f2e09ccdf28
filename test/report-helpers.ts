/**
 * Test helpers for the report: databases laid out as contracts.md describes (one table per stream,
 * timestamps TIMESTAMPTZ / epoch seconds, objects and arrays as JSON), filled with given rows.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import type { Dialect } from '../src/report/views.js';
import { streamSchema } from '../src/tap/catalog.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../src/tap/json.js';

type Kind = 'timestamp' | 'json' | 'text' | 'int' | 'real' | 'bool';

interface Column {
  name: string;
  kind: Kind;
}

const TYPES: Record<Dialect, Record<Kind, string>> = {
  duckdb: {
    timestamp: 'TIMESTAMPTZ',
    json: 'JSON',
    text: 'VARCHAR',
    int: 'BIGINT',
    real: 'DOUBLE',
    bool: 'BOOLEAN',
  },
  sqlite: { timestamp: 'INTEGER', json: 'TEXT', text: 'TEXT', int: 'INTEGER', real: 'REAL', bool: 'INTEGER' },
};

function columnsOf(stream: string): Column[] {
  const properties = streamSchema(stream).properties;
  if (!isJsonObject(properties)) throw new Error(`catalog/${stream}.json has no properties`);
  return Object.entries(properties).map(([name, schema]) => ({ name, kind: kindOf(name, schema) }));
}

function kindOf(name: string, schema: JsonValue): Kind {
  const declared = isJsonObject(schema) ? schema.type : undefined;
  const types = (Array.isArray(declared) ? declared : [declared]).filter((type) => type !== 'null');
  if (types.includes('object') || types.includes('array')) return 'json';
  if (types.includes('integer')) return name.endsWith('_at') ? 'timestamp' : 'int';
  if (types.includes('number')) return 'real';
  if (types.includes('boolean')) return 'bool';
  return 'text';
}

export type StreamRows = Record<string, readonly JsonObject[]>;

/** Creates a DuckDB or SQLite file at `path` with one table per stream in `rows`, holding those rows. */
export async function writeContractDatabase(dialect: Dialect, path: string, rows: StreamRows): Promise<void> {
  if (dialect === 'sqlite') return writeSqlite(path, rows);
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const [stream, records] of Object.entries(rows)) {
      const columns = columnsOf(stream);
      await connection.run(createTable('duckdb', stream, columns));
      for (let start = 0; start < records.length; start += 200) {
        const batch = records.slice(start, start + 200);
        const values = batch.flatMap((record) => columns.map((column) => duckValue(column, record)));
        const tuple = (row: number): string =>
          `(${columns.map((column, index) => placeholder(column, row * columns.length + index + 1)).join(', ')})`;
        await connection.run(
          `INSERT INTO ${stream} (${columnList(columns)}) VALUES ${batch.map((_, row) => tuple(row)).join(', ')}`,
          values,
        );
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function createTable(dialect: Dialect, stream: string, columns: readonly Column[]): string {
  const defs = columns.map((column) => `"${column.name}" ${TYPES[dialect][column.kind]}`);
  return `CREATE TABLE ${stream} (${defs.join(', ')}, _extra ${TYPES[dialect].json}, _extracted_at ${
    dialect === 'duckdb' ? 'TIMESTAMPTZ DEFAULT now()' : 'INTEGER'
  })`;
}

function columnList(columns: readonly Column[]): string {
  return columns.map((column) => `"${column.name}"`).join(', ');
}

function placeholder(column: Column, index: number): string {
  if (column.kind === 'timestamp') return `to_timestamp($${index})`;
  if (column.kind === 'json') return `CAST($${index} AS JSON)`;
  return `$${index}`;
}

function duckValue(column: Column, record: JsonObject): string | number | boolean | null {
  const value = record[column.name];
  if (value === undefined || value === null) return null;
  if (column.kind === 'json') return JSON.stringify(value);
  if (typeof value === 'object') throw new Error(`${column.name}: unexpected object`);
  return value;
}

function writeSqlite(path: string, rows: StreamRows): void {
  const db = new Database(path);
  try {
    db.transaction(() => {
      for (const [stream, records] of Object.entries(rows)) {
        const columns = columnsOf(stream);
        db.exec(createTable('sqlite', stream, columns));
        const insert = db.prepare(
          `INSERT INTO ${stream} (${columnList(columns)}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        for (const record of records) insert.run(columns.map((column) => sqliteValue(column, record)));
      }
    })();
  } finally {
    db.close();
  }
}

function sqliteValue(column: Column, record: JsonObject): string | number | null {
  const value = record[column.name];
  if (value === undefined || value === null) return null;
  if (column.kind === 'json') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') throw new Error(`${column.name}: unexpected object`);
  return value;
}
