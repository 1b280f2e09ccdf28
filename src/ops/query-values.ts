import {
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { JsonValue } from '../tap/json.js';

/** One value of a query's result: as text (table, CSV) and as JSON (exact: never a rounded number). */
export interface Cell {
  /** null: SQL NULL. */
  text: string | null;
  json: JsonValue;
  /** Right-aligned in a table. */
  numeric: boolean;
}

export const NULL_CELL: Cell = { text: null, json: null, numeric: false };

/** An integer as JSON: a number while it is exact (|n| <= 2^53 - 1), else its digits as a string. */
function integerJson(value: bigint): JsonValue {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

const numberJson = (value: number): JsonValue => (Number.isFinite(value) ? value : String(value));

/** An instant as ISO 8601 with every digit DuckDB keeps (microseconds), `Z` when it is UTC. */
function isoMicros(micros: bigint, zone: 'Z' | ''): string | null {
  const ms = micros / 1000n;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return null;
  const rest = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const fraction = rest === 0 ? '' : `.${String(rest).padStart(6, '0').replace(/0+$/, '')}`;
  return `${date.toISOString().slice(0, 19)}${fraction}${zone}`;
}

/** A DuckDB value as JSON: nested values kept nested, dates and intervals as their SQL text. */
export function duckJson(value: DuckDBValue): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return numberJson(value);
  if (typeof value === 'bigint') return integerJson(value);
  if (value instanceof DuckDBStructValue)
    return Object.fromEntries(Object.entries(value.entries).map(([key, item]) => [key, duckJson(item)]));
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(duckJson);
  if (value instanceof DuckDBMapValue) {
    const key = (k: DuckDBValue) => (typeof k === 'string' ? k : JSON.stringify(duckJson(k)));
    return Object.fromEntries(value.entries.map((entry) => [key(entry.key), duckJson(entry.value)]));
  }
  if (value instanceof DuckDBUnionValue) return duckJson(value.value);
  if (value instanceof DuckDBTimestampTZValue) return isoMicros(value.micros, 'Z') ?? value.toString();
  if (value instanceof DuckDBTimestampValue) return isoMicros(value.micros, '') ?? value.toString();
  return value.toString();
}

const NESTED = [DuckDBStructValue, DuckDBListValue, DuckDBArrayValue, DuckDBMapValue];

export function duckCell(value: DuckDBValue): Cell {
  if (value === null) return NULL_CELL;
  const json = duckJson(value);
  const numeric =
    typeof value === 'number' || typeof value === 'bigint' || value instanceof DuckDBDecimalValue;
  if (NESTED.some((type) => value instanceof type)) return { text: JSON.stringify(json), json, numeric };
  if (typeof value === 'bigint') return { text: value.toString(), json, numeric };
  return { text: typeof json === 'string' ? json : String(value), json, numeric };
}

/** A SQLite value (integers read as bigint, so none is rounded). */
export function sqliteCell(value: unknown): Cell {
  if (value === null || value === undefined) return NULL_CELL;
  if (typeof value === 'bigint') return { text: value.toString(), json: integerJson(value), numeric: true };
  if (typeof value === 'number') return { text: String(value), json: numberJson(value), numeric: true };
  if (Buffer.isBuffer(value)) {
    const text = `x'${value.toString('hex')}'`;
    return { text, json: text, numeric: false };
  }
  const text = String(value);
  return { text, json: text, numeric: false };
}
