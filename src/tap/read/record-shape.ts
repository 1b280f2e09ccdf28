import { schemaOf } from '../catalog.js';

export { schemaOf };

import type { JsonSchema } from '../events.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { depthProblem } from '../json-depth.js';
import type { SpreadRule, StreamDef } from '../streams/index.js';

/** The derived key's value: the source fields joined by `:`, an absent or null one as ''. */
function withDerivedKey(def: StreamDef): (record: JsonObject) => JsonObject {
  const rule = def.derivedKey;
  if (rule === undefined) return (record) => record;
  return (record) => {
    const parts = rule.from.map((field) => {
      const value = record[field];
      return value === undefined || value === null ? '' : String(value);
    });
    return { ...record, [rule.field]: parts.join(':') };
  };
}

function typeOf(value: JsonValue): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  return [typeof value];
}

/** Whether `value` has one of the JSON Schema types a property declares (no `type`: any). */
export function hasDeclaredType(value: JsonValue, property: unknown): boolean {
  if (!isJsonObject(property) || property.type === undefined) return true;
  const declared = Array.isArray(property.type) ? property.type : [property.type];
  return typeOf(value).some((type) => declared.includes(type));
}

/**
 * Fields a record may carry: all of them, or, when the schema forbids others (secrets), only the
 * schema's, each only when its value has the documented type: anything else becomes null, so a
 * value nested where metadata belongs never reaches an output.
 */
export function projector(schema: JsonSchema): (record: JsonObject) => JsonObject {
  const properties = schema.properties;
  if (schema.additionalProperties !== false || !isJsonObject(properties)) return (record) => record;
  const allowed = Object.entries(properties);
  return (record) => {
    const projected: JsonObject = {};
    for (const [key, property] of allowed) {
      const value = record[key];
      if (value !== undefined) projected[key] = hasDeclaredType(value, property) ? value : null;
    }
    return projected;
  };
}

function spread(record: JsonObject, rule: SpreadRule): JsonObject {
  const source = record[rule.field];
  const object = isJsonObject(source) ? source : {};
  const columns: JsonObject = {};
  for (const [key, column] of Object.entries(rule.columns)) {
    const value = object[key];
    // A value of another type is passed on as sent (a target keeps it in `_extra`), never read as 0.
    columns[column] = value === undefined || value === null ? rule.absent : value;
  }
  return { ...record, ...columns };
}

/** An ISO 8601 date-time as epoch seconds; null when absent, null or unreadable. */
export function isoSeconds(value: JsonValue | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function fromIso(record: JsonObject, fields: readonly string[]): JsonObject {
  if (fields.length === 0) return record;
  const converted: JsonObject = { ...record };
  for (const field of fields) if (field in record) converted[field] = isoSeconds(record[field]);
  return converted;
}

/** What the tap emits for a raw record of `def`: ISO timestamps as epoch seconds, projected, typed, spread columns added. */
export function shaper(def: StreamDef): (record: JsonObject) => JsonObject {
  const project = projector(schemaOf(def));
  const rules = def.spread ?? [];
  const iso = def.isoTimestamps ?? [];
  const derive = withDerivedKey(def);
  return (record) => rules.reduce(spread, project(derive(fromIso(record, iso))));
}

/** What a key value of the wrong type is, for the reason kept with the rejected record. */
function describe(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/**
 * Why a key value does not fit the type its schema declares, or null. An integer key must be a
 * safe integer (above 2^53 two keys can collide); a number key finite.
 */
export function keyTypeProblem(value: JsonValue, property: unknown): string | null {
  if (!isJsonObject(property) || property.type === undefined) return null;
  const declared = Array.isArray(property.type) ? property.type : [property.type];
  const fits =
    (typeof value === 'string' && declared.includes('string')) ||
    (typeof value === 'boolean' && declared.includes('boolean')) ||
    (typeof value === 'number' && declared.includes('number') && Number.isFinite(value)) ||
    (Number.isSafeInteger(value) && declared.includes('integer'));
  if (fits) return null;
  const wanted = declared.filter((type) => type !== 'null').join(' or ');
  return `is ${describe(value)}, not ${wanted === 'integer' ? 'a safe integer' : `of type ${wanted}`}`;
}

/**
 * Why a record has no valid primary key (a key field missing, null, an empty string, an object,
 * an array, or a value of another type than its schema declares), or null when it has one. Such a
 * record is rejected, never emitted as a record.
 */
export function keyProblem(def: StreamDef, record: JsonObject): string | null {
  const properties = schemaOf(def).properties;
  for (const field of def.primaryKey) {
    const value = record[field];
    if (value === undefined) return `primary key "${field}" is missing`;
    if (value === null) return `primary key "${field}" is null`;
    if (value === '') return `primary key "${field}" is an empty string`;
    if (typeof value === 'object')
      return `primary key "${field}" is ${Array.isArray(value) ? 'an array' : 'an object'}`;
    const problem = keyTypeProblem(value, isJsonObject(properties) ? properties[field] : undefined);
    if (problem !== null) return `primary key "${field}" ${problem}`;
  }
  return null;
}

/** Why a record cannot be emitted (no valid primary key, values nested too deep), or null. */
export function rejectionOf(def: StreamDef, record: JsonObject): string | null {
  return keyProblem(def, record) ?? depthProblem(record);
}

/** A page's shaped records: those with a valid primary key, and the rejected ones with the reason. */
export function splitByKey(
  def: StreamDef,
  records: readonly JsonObject[],
): { valid: JsonObject[]; rejected: { data: JsonObject; reason: string }[] } {
  const valid: JsonObject[] = [];
  const rejected: { data: JsonObject; reason: string }[] = [];
  for (const data of records) {
    const reason = rejectionOf(def, data);
    if (reason === null) valid.push(data);
    else rejected.push({ data, reason });
  }
  return { valid, rejected };
}
