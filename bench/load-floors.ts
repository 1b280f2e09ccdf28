// The floors `devin-tap sync` is measured against: the same records, the same typed tables with the
// same primary keys, loaded by each database's own fastest plain path. Only the load is timed.
//  - DuckDB: INSERT ... SELECT FROM read_json (NDJSON, columns given) into a fresh database.
//  - SQLite: one prepared INSERT in one transaction (WAL, synchronous NORMAL, as the target uses).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { streamSchema } from '../src/tap/catalog.js';
import { isJsonObject, type JsonValue } from '../src/tap/json.js';
import { findStream } from '../src/tap/streams/index.js';
import { COLUMN_TYPES, type ColumnKind, columnKind, type Dialect } from '../src/targets/column-types.js';

interface FloorColumn {
  name: string;
  kind: ColumnKind;
}

function columnsOf(stream: string): FloorColumn[] {
  const properties = streamSchema(stream).properties;
  const schema = isJsonObject(properties) ? properties : {};
  return Object.entries(schema).map(([name, property]) => ({ name, kind: columnKind(name, property) }));
}

function createTableSql(dialect: Dialect, stream: string, columns: readonly FloorColumn[]): string {
  const defs = columns.map((c) => `"${c.name}" ${COLUMN_TYPES[c.kind][dialect]}`);
  const keys = (findStream(stream)?.primaryKey ?? []).map((key) => `"${key}"`).join(', ');
  return `CREATE TABLE "${stream}" (${defs.join(', ')}, PRIMARY KEY (${keys}))`;
}

/** Seconds DuckDB takes to load every NDJSON file into its typed table. */
export async function duckdbFloor(path: string, files: ReadonlyMap<string, string>): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    let seconds = 0;
    for (const [stream, file] of files) {
      const columns = columnsOf(stream);
      await connection.run(createTableSql('duckdb', stream, columns));
      // Timestamps arrive as epoch seconds (BIGINT) and are converted as the target converts them.
      const read = columns
        .map((c) => `'${c.name}': '${c.kind === 'timestamp' ? 'BIGINT' : COLUMN_TYPES[c.kind].duckdb}'`)
        .join(', ');
      const select = columns
        .map((c) => (c.kind === 'timestamp' ? `to_timestamp("${c.name}")` : `"${c.name}"`))
        .join(', ');
      const started = performance.now();
      await connection.run(
        `INSERT INTO "${stream}" SELECT ${select} FROM read_json('${file}', format = 'newline_delimited', columns = {${read}})`,
      );
      seconds += (performance.now() - started) / 1000;
    }
    return seconds;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function sqliteCell(kind: ColumnKind, value: JsonValue | undefined): string | number | null {
  if (value === undefined || value === null) return null;
  if (kind === 'json') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'object' ? JSON.stringify(value) : value;
}

const CHUNK = 20_000;

/** Seconds of a bare prepared-statement insert loop, one transaction, over every record. */
export async function sqliteFloor(path: string, files: ReadonlyMap<string, string>): Promise<number> {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  try {
    let seconds = 0;
    const time = (work: () => void) => {
      const started = performance.now();
      work();
      seconds += (performance.now() - started) / 1000;
    };
    for (const [stream, file] of files) {
      const columns = columnsOf(stream);
      db.exec(createTableSql('sqlite', stream, columns));
      const insert = db.prepare(`INSERT INTO "${stream}" VALUES (${columns.map(() => '?').join(', ')})`);
      time(() => db.exec('BEGIN'));
      // Parsing the file is not timed: records are read in chunks so memory stays bounded.
      let chunk: Record<string, JsonValue>[] = [];
      const flush = () => {
        const rows = chunk;
        chunk = [];
        time(() => {
          for (const row of rows) insert.run(columns.map((c) => sqliteCell(c.kind, row[c.name])));
        });
      };
      for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        chunk.push(JSON.parse(line) as Record<string, JsonValue>);
        if (chunk.length >= CHUNK) flush();
      }
      flush();
      time(() => db.exec('COMMIT'));
    }
    return seconds;
  } finally {
    db.close();
  }
}
