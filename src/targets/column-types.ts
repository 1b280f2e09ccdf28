import type { JsonValue } from '../tap/json.js';
import { isJsonObject } from '../tap/json.js';
import { isTimestampProperty } from '../tap/timestamps.js';

/** What a column holds; each maps to one SQL type per database. */
export type ColumnKind = 'string' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'json';
export type Dialect = 'duckdb' | 'sqlite';

/** The type table. SQLite stores timestamps as epoch seconds and booleans as 0/1. */
export const COLUMN_TYPES: Readonly<Record<ColumnKind, Readonly<Record<Dialect, string>>>> = {
  string: { duckdb: 'VARCHAR', sqlite: 'TEXT' },
  integer: { duckdb: 'BIGINT', sqlite: 'INTEGER' },
  number: { duckdb: 'DOUBLE', sqlite: 'REAL' },
  boolean: { duckdb: 'BOOLEAN', sqlite: 'INTEGER' },
  timestamp: { duckdb: 'TIMESTAMPTZ', sqlite: 'INTEGER' },
  json: { duckdb: 'JSON', sqlite: 'TEXT' },
};

const SCALAR_KINDS: Readonly<Record<string, ColumnKind>> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  object: 'json',
  array: 'json',
};

/**
 * The column kind of one top-level property. Nullable types resolve to the non-null type; integer
 * properties the catalog marks as timestamps (or, from another tap, named `*_at`) are epoch-second
 * timestamps; anything ambiguous is JSON.
 */
export function columnKind(name: string, property: JsonValue | undefined): ColumnKind {
  const declared = isJsonObject(property) ? property.type : undefined;
  const types = typeof declared === 'string' ? [declared] : Array.isArray(declared) ? declared : [];
  const nonNull = types.filter((type) => type !== 'null');
  const only = nonNull.length === 1 ? nonNull[0] : undefined;
  const kind = typeof only === 'string' ? (SCALAR_KINDS[only] ?? 'json') : 'json';
  const timestamp = isTimestampProperty(property) || name.endsWith('_at');
  return kind === 'integer' && timestamp ? 'timestamp' : kind;
}

/** DuckDB's spelling of each type in information_schema.columns.data_type. */
const DUCKDB_KINDS: Readonly<Record<string, ColumnKind>> = {
  VARCHAR: 'string',
  BIGINT: 'integer',
  DOUBLE: 'number',
  BOOLEAN: 'boolean',
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
  JSON: 'json',
};

const SQLITE_FAMILIES: Readonly<Record<string, readonly ColumnKind[]>> = {
  TEXT: ['string', 'json'],
  INTEGER: ['integer', 'boolean', 'timestamp'],
  REAL: ['number'],
};

/**
 * The kind an existing column is written as: the schema's kind when the column's declared type can
 * hold it, else the column's own type (a column is never retyped). Unknown types are written as JSON.
 * A column no longer in the schema keeps its natural kind (SQLite TEXT: string).
 */
export function existingColumnKind(dialect: Dialect, sqlType: string, wanted?: ColumnKind): ColumnKind {
  const type = sqlType.toUpperCase();
  if (dialect === 'duckdb') return DUCKDB_KINDS[type] ?? (type.startsWith('VARCHAR') ? 'string' : 'json');
  const family = SQLITE_FAMILIES[type];
  if (!family) return 'json';
  return wanted && family.includes(wanted) ? wanted : (family[0] ?? 'json');
}
