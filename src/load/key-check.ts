import { isJsonObject, type JsonObject, type JsonValue } from '../tap/json.js';
import { columnKind } from '../targets/column-types.js';
import { fitsColumn } from '../targets/rows.js';

function problemOf(value: JsonValue | undefined): string | null {
  if (value === undefined) return 'is missing';
  if (value === null) return 'is null';
  if (value === '') return 'is an empty string';
  if (Array.isArray(value)) return 'is an array';
  if (typeof value === 'object') return 'is an object';
  return null;
}

function shown(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/**
 * Why a record cannot be stored under its primary key (missing, null, empty string, object or
 * array, or a value its column cannot hold: `"abc"`, `1.5` or `2^53` for an integer key), or null
 * when every key property holds a usable value.
 */
export function keyProblem(record: JsonObject, keys: readonly string[], schema: JsonObject): string | null {
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  for (const key of keys) {
    const value = record[key];
    const problem = problemOf(value);
    if (problem !== null) return `no valid primary key: ${key} ${problem}`;
    const kind = columnKind(key, properties[key]);
    if (value !== undefined && !fitsColumn(kind, value))
      return `no valid primary key: ${key} is ${shown(value)}, which its ${kind} column cannot hold`;
  }
  return null;
}
