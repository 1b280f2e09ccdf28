import type { JsonObject, JsonValue } from '../tap/json.js';

function problemOf(value: JsonValue | undefined): string | null {
  if (value === undefined) return 'is missing';
  if (value === null) return 'is null';
  if (value === '') return 'is an empty string';
  if (Array.isArray(value)) return 'is an array';
  if (typeof value === 'object') return 'is an object';
  return null;
}

/**
 * Why a record cannot be stored under its primary key (missing, null, empty string, object or
 * array), or null when every key property holds a usable value.
 */
export function keyProblem(record: JsonObject, keys: readonly string[]): string | null {
  for (const key of keys) {
    const problem = problemOf(record[key]);
    if (problem !== null) return `no valid primary key: ${key} ${problem}`;
  }
  return null;
}
