// The ways a shaped batch can get into DuckDB's TEMP staging table, compared by
// bench/duckdb-stage-bench.ts. Each leaves the table createStagingSql declares (with the seen column)
// holding exactly the batch. Only stageRows is used by devin-tap; the others are measured against it.
// The text ones are timed as they are, not made exact: JSON turns -0 into 0 and fails the whole load
// on a lone surrogate (JSON.stringify escapes it, DuckDB's parser refuses it).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  VARCHAR,
} from '@duckdb/node-api';
import type { ColumnKind } from '../src/targets/column-types.js';
import { createStagingSql, STAGING_TYPES, stageRows } from '../src/targets/duckdb/batch.js';
import type { ShapedRow } from '../src/targets/rows.js';
import { quoteIdent, type TableLayout } from '../src/targets/table-layout.js';

export type Stage = (
  connection: DuckDBConnection,
  staging: string,
  layout: TableLayout,
  rows: readonly ShapedRow[],
  seen: readonly boolean[],
  scratch: string,
) => Promise<void>;

export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU and wall seconds spent in DuckDB's own statement (text approaches: the load, not the encoding). */
export const inDuckdb = { cpu: 0, wall: 0 };

async function timed(work: () => Promise<unknown>): Promise<void> {
  const cpu = cpuSeconds();
  const wall = performance.now();
  await work();
  inDuckdb.cpu += cpuSeconds() - cpu;
  inDuckdb.wall += (performance.now() - wall) / 1000;
}

/** (a) stageRows: the appender, value by value. */
const appender: Stage = (connection, staging, layout, rows, seen) =>
  stageRows(connection, staging, layout, rows, seen);

/** (a') The appender without a BigInt per integer: appendDouble, cast by DuckDB to BIGINT (exact for safe integers). */
const appenderDouble: Stage = async (connection, staging, layout, rows, seen) => {
  await connection.run(createStagingSql(staging, layout, true));
  const out = await connection.createAppender(staging, 'main', 'temp');
  const width = layout.columns.length;
  try {
    for (let rowIndex = 0; rowIndex < rows.length; rowIndex += 1) {
      const row = rows[rowIndex] as ShapedRow;
      for (let index = 0; index < width; index += 1) {
        const cell = row.cells[index] ?? null;
        if (cell === null) out.appendNull();
        else if (typeof cell === 'string') out.appendVarchar(cell);
        else if (typeof cell === 'number') out.appendDouble(cell);
        else out.appendBoolean(cell);
      }
      if (layout.hasExtra) {
        if (row.extra === null) out.appendNull();
        else out.appendVarchar(row.extra);
      }
      out.appendDouble(Math.round(row.extractedAt));
      out.appendBoolean(seen[rowIndex] ?? true);
      out.endRow();
    }
  } finally {
    out.closeSync();
  }
};

const CHUNK_TYPES: Readonly<Record<ColumnKind, DuckDBType>> = {
  string: VARCHAR,
  integer: BIGINT,
  number: DOUBLE,
  boolean: BOOLEAN,
  timestamp: BIGINT,
  json: VARCHAR,
};

/** The staging columns of `rows` as value arrays (bigint for BIGINT). */
function chunkColumns(layout: TableLayout, rows: readonly ShapedRow[], seen: readonly boolean[]) {
  const columns: DuckDBValue[][] = layout.columns.map((column, index) =>
    rows.map((row) => {
      const cell = row.cells[index] ?? null;
      return typeof cell === 'number' && column.kind !== 'number' ? BigInt(cell) : cell;
    }),
  );
  if (layout.hasExtra) columns.push(rows.map((row) => row.extra));
  columns.push(rows.map((row) => BigInt(Math.round(row.extractedAt))));
  columns.push(seen.slice(0, rows.length));
  return columns;
}

/** (b) The appender fed column-wise: one DuckDBDataChunk of up to 2,048 rows at a time. */
const dataChunks: Stage = async (connection, staging, layout, rows, seen) => {
  await connection.run(createStagingSql(staging, layout, true));
  const types = layout.columns.map((column) => CHUNK_TYPES[column.kind]);
  if (layout.hasExtra) types.push(VARCHAR);
  types.push(BIGINT, BOOLEAN);
  const out = await connection.createAppender(staging, 'main', 'temp');
  try {
    for (let start = 0; start < rows.length; start += 2048) {
      const part = rows.slice(start, start + 2048);
      const chunk = DuckDBDataChunk.create(types, part.length);
      chunk.setColumns(chunkColumns(layout, part, seen.slice(start, start + part.length)));
      out.appendDataChunk(chunk);
    }
  } finally {
    out.closeSync();
  }
};

/** The staging columns as read_json / read_csv take them: `{c0: 'VARCHAR', ...}`'s inside. */
function columnsSpec(layout: TableLayout): string {
  return stagingTypes(layout)
    .map((type, index) => `c${index}: '${type}'`)
    .join(', ');
}

function stagingTypes(layout: TableLayout): string[] {
  const types = layout.columns.map((column) => STAGING_TYPES[column.kind]);
  if (layout.hasExtra) types.push('VARCHAR');
  types.push('BIGINT', 'BOOLEAN');
  return types;
}

/** One NDJSON line per row, keys c0..cN (the staging columns in order). */
function ndjson(layout: TableLayout, rows: readonly ShapedRow[], seen: readonly boolean[]): string {
  const width = layout.columns.length;
  const lines = rows.map((row, rowIndex) => {
    let line = '{';
    for (let index = 0; index < width; index += 1) {
      line += `"c${index}":${JSON.stringify(row.cells[index] ?? null)},`;
    }
    if (layout.hasExtra) line += `"c${width}":${JSON.stringify(row.extra)},`;
    const at = layout.hasExtra ? width + 1 : width;
    return `${line}"c${at}":${Math.round(row.extractedAt)},"c${at + 1}":${seen[rowIndex] ?? true}}`;
  });
  return `${lines.join('\n')}\n`;
}

/** (c) NDJSON of the batch in a file beside the database, loaded by read_json. */
const readJsonFile: Stage = async (connection, staging, layout, rows, seen, scratch) => {
  await connection.run(createStagingSql(staging, layout, true));
  const file = join(scratch, 'stage.ndjson');
  writeFileSync(file, ndjson(layout, rows, seen));
  try {
    const columns = columnsSpec(layout);
    await timed(() =>
      connection.run(
        `INSERT INTO temp.main.${quoteIdent(staging)} SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}}, maximum_object_size = 1073741824)`,
      ),
    );
  } finally {
    rmSync(file, { force: true });
  }
};

/** The batch as one JSON object of column arrays: {"c0":[...],"c1":[...],...}. */
function columnArrays(layout: TableLayout, rows: readonly ShapedRow[], seen: readonly boolean[]): string {
  const parts = layout.columns.map((_, index) => JSON.stringify(rows.map((row) => row.cells[index] ?? null)));
  if (layout.hasExtra) parts.push(JSON.stringify(rows.map((row) => row.extra)));
  parts.push(JSON.stringify(rows.map((row) => Math.round(row.extractedAt))));
  parts.push(JSON.stringify(seen.slice(0, rows.length)));
  return `{${parts.map((part, index) => `"c${index}":${part}`).join(',')}}`;
}

/** (d) Column arrays as one JSON text parameter: from_json, then unnest the lists side by side. */
const fromJsonParameter: Stage = async (connection, staging, layout, rows, seen) => {
  await connection.run(createStagingSql(staging, layout, true));
  const types = stagingTypes(layout);
  const structure = `{${types.map((type, index) => `"c${index}":"${type}[]"`).join(',')}}`;
  const unnest = types.map((_, index) => `unnest(j.c${index})`).join(', ');
  const text = columnArrays(layout, rows, seen);
  await timed(() =>
    connection.run(
      `INSERT INTO temp.main.${quoteIdent(staging)} SELECT ${unnest} FROM (SELECT from_json($1, '${structure}') AS j)`,
      [text],
    ),
  );
};

function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'string')
    return value.includes('"') ? `"${value.replaceAll('"', '""')}"` : `"${value}"`;
  if (typeof value === 'number' && Object.is(value, -0)) return '-0.0';
  return String(value);
}

/** (f) CSV of the batch in a file beside the database, loaded by read_csv (every option given). */
const readCsvFile: Stage = async (connection, staging, layout, rows, seen, scratch) => {
  await connection.run(createStagingSql(staging, layout, true));
  const file = join(scratch, 'stage.csv');
  const width = layout.columns.length;
  const lines = rows.map((row, rowIndex) => {
    let line = '';
    for (let index = 0; index < width; index += 1) line += `${csvField(row.cells[index] ?? null)},`;
    if (layout.hasExtra) line += `${csvField(row.extra)},`;
    return `${line}${Math.round(row.extractedAt)},${seen[rowIndex] ?? true}`;
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const columns = columnsSpec(layout);
    await timed(() =>
      connection.run(
        `INSERT INTO temp.main.${quoteIdent(staging)} SELECT * FROM read_csv('${file}', auto_detect = false, header = false, delim = ',', quote = '"', escape = '"', new_line = '\\n', nullstr = '', allow_quoted_nulls = false, strict_mode = true, max_line_size = 1073741824, columns = {${columns}})`,
      ),
    );
  } finally {
    rmSync(file, { force: true });
  }
};

export const APPROACHES: Readonly<Record<string, Stage>> = {
  appender,
  'appender-double': appenderDouble,
  'data-chunks': dataChunks,
  'read_json-file': readJsonFile,
  'read_csv-file': readCsvFile,
  'from_json-param': fromJsonParameter,
};
