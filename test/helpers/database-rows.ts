/**
 * Reads what a sync left in a DuckDB or SQLite file back as API JSON, so tests can compare it with
 * what the simulator served: timestamps back to epoch seconds, JSON columns parsed, SQLite 0/1
 * back to booleans, `_extra` merged back in, `_extracted_at` dropped.
 */
import { schemaOf } from '../../src/tap/catalog.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../src/tap/json.js';
import { findStream, type StreamScope } from '../../src/tap/streams/index.js';
import { type ColumnKind, columnKind } from '../../src/targets/column-types.js';
import type { TargetKind } from '../../src/targets/target.js';
import { query, tableRows } from '../targets-helpers.js';

export interface TableColumn {
  name: string;
  type: string;
}

/** The columns of a table, in table order, with their declared SQL types. */
export async function tableColumns(kind: TargetKind, path: string, table: string): Promise<TableColumn[]> {
  const sql =
    kind === 'duckdb'
      ? `SELECT column_name AS name, data_type AS type FROM information_schema.columns
         WHERE table_schema = 'main' AND table_name = '${table}' ORDER BY ordinal_position`
      : `SELECT name, type FROM pragma_table_info('${table}')`;
  const rows = await query(kind, path, sql);
  return rows.map((row) => ({ name: String(row.name), type: String(row.type) }));
}

/** Drops top-level null fields: a NULL column cannot tell a null field from a missing one. */
export function withoutNulls(row: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null && value !== undefined));
}

function kindsOf(
  stream: string,
  columns: readonly TableColumn[],
  scope: StreamScope,
): Map<string, ColumnKind> {
  const def = findStream(stream, scope) ?? findStream(stream, 'enterprise');
  if (def === undefined) throw new Error(`no stream ${stream}`);
  const properties = schemaOf(def).properties;
  const schema = isJsonObject(properties) ? properties : {};
  return new Map(columns.map(({ name }) => [name, columnKind(name, schema[name])]));
}

function toApiRow(row: JsonObject): JsonObject {
  const { _extra: extra, _extracted_at: _, ...fields } = row;
  const merged: JsonObject = { ...fields };
  if (extra !== undefined && extra !== null) {
    if (!isJsonObject(extra)) throw new Error(`_extra is not a JSON object: ${JSON.stringify(extra)}`);
    for (const [name, value] of Object.entries(extra)) {
      if (merged[name] !== undefined && merged[name] !== null)
        throw new Error(`field ${name} is both a column value and in _extra`);
      merged[name] = value as JsonValue;
    }
  }
  return withoutNulls(merged);
}

/**
 * Every row of a stream's table as API JSON (top-level nulls dropped; compare with `withoutNulls`
 * of the expected record), ordered by the primary key.
 */
export async function databaseRows(
  kind: TargetKind,
  path: string,
  stream: string,
  scope: StreamScope = 'organization',
): Promise<JsonObject[]> {
  const columns = (await tableColumns(kind, path, stream)).filter((c) => c.name !== '_extracted_at');
  const kinds = kindsOf(stream, columns, scope);
  const named = (wanted: ColumnKind) =>
    columns.filter((c) => c.name !== '_extra' && kinds.get(c.name) === wanted).map((c) => c.name);
  const json = [...named('json'), ...(columns.some((c) => c.name === '_extra') ? ['_extra'] : [])];
  const keys = (findStream(stream, scope) ?? findStream(stream, 'enterprise'))?.primaryKey ?? [];
  const rows = await tableRows(
    kind,
    path,
    stream,
    { json, timestamps: named('timestamp'), booleans: named('boolean') },
    keys.length > 0 ? keys.map((key) => `"${key}"`).join(', ') : '1',
  );
  return rows.map(toApiRow);
}

/** Counts the rows of a table (0 when the table does not exist). */
export async function rowCount(kind: TargetKind, path: string, table: string): Promise<number> {
  const columns = await tableColumns(kind, path, table);
  if (columns.length === 0) return 0;
  const [row] = await query(kind, path, `SELECT count(*) AS n FROM "${table}"`);
  return Number(row?.n ?? 0);
}
