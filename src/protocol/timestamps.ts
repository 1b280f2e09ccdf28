import type { JsonSchema } from '../tap/events.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../tap/json.js';
import {
  EPOCH_SECONDS,
  epochSecondsFromIso,
  isoFromEpochSeconds,
  isTimestampProperty,
  mapFields,
  TIMESTAMP_KEYWORD,
  timestampFields,
} from '../tap/timestamps.js';

/**
 * What destinations receive: a time field is an ISO 8601 UTC string (`2026-01-05T08:00:00Z`) typed
 * `format: date-time`, `airbyte_type: timestamp_with_timezone`, so warehouses land a timestamp column.
 * The tap's own events keep epoch seconds; these pure functions convert at the edge, both ways.
 */
export const DATE_TIME = 'date-time';
export const TIMESTAMP_WITH_TIMEZONE = 'timestamp_with_timezone';

function typesOf(property: JsonObject): JsonValue[] {
  const declared = property.type;
  return Array.isArray(declared) ? declared : declared === undefined ? [] : [declared];
}

function swapType(property: JsonObject, from: string, to: string): JsonValue {
  const types = typesOf(property).map((type) => (type === from ? to : type));
  return types.length === 1 ? (types[0] ?? to) : types;
}

function outputProperty(property: JsonObject): JsonObject {
  const { [TIMESTAMP_KEYWORD]: _marker, ...rest } = property;
  return {
    ...rest,
    type: swapType(property, 'integer', 'string'),
    format: DATE_TIME,
    airbyte_type: TIMESTAMP_WITH_TIMEZONE,
  };
}

function mapProperties(schema: JsonSchema, map: (property: JsonValue) => JsonValue): JsonSchema {
  if (!isJsonObject(schema.properties)) return schema;
  const properties: JsonObject = {};
  for (const [name, property] of Object.entries(schema.properties)) properties[name] = map(property);
  return { ...schema, properties };
}

/** A stream's schema as destinations see it: its time fields ISO 8601 strings. */
export function outputSchema(schema: JsonSchema): JsonSchema {
  return mapProperties(schema, (property) =>
    isJsonObject(property) && isTimestampProperty(property) ? outputProperty(property) : property,
  );
}

const outputFields = new WeakMap<JsonSchema, readonly string[]>();

/** The time fields of a schema (cached per schema object: encoders run once per record). */
export function timeFieldsOf(schema: JsonSchema): readonly string[] {
  let fields = outputFields.get(schema);
  if (fields === undefined) {
    fields = timestampFields(schema);
    outputFields.set(schema, fields);
  }
  return fields;
}

/** A record as destinations see it: epoch seconds in `fields` become ISO 8601 strings. */
export function outputRecord(record: JsonObject, fields: readonly string[]): JsonObject {
  return fields.length === 0 ? record : mapFields(record, fields, isoFromEpochSeconds);
}

/** Whether a property received from a tap is an instant this target stores as a time column. */
export function isInstantProperty(property: JsonValue | undefined): boolean {
  if (!isJsonObject(property)) return false;
  if (isTimestampProperty(property)) return true;
  const types = typesOf(property).filter((type) => type !== 'null');
  return (
    types.length === 1 &&
    types[0] === 'string' &&
    property.format === DATE_TIME &&
    property.airbyte_type === TIMESTAMP_WITH_TIMEZONE
  );
}

/**
 * The inverse of outputSchema, for a target reading a tap's SCHEMA: an instant (ISO 8601 string
 * with `airbyte_type: timestamp_with_timezone`, or a marked integer) becomes the marked integer the
 * tap's own events carry. Anything else is unchanged.
 */
export function inputSchema(schema: JsonSchema): JsonSchema {
  return mapProperties(schema, (property) => {
    if (!isJsonObject(property) || !isInstantProperty(property) || isTimestampProperty(property))
      return property;
    const { format: _format, airbyte_type: _airbyteType, ...rest } = property;
    return { ...rest, type: swapType(property, 'string', 'integer'), [TIMESTAMP_KEYWORD]: EPOCH_SECONDS };
  });
}

/** A record from a tap: ISO 8601 instants in `fields` as epoch seconds (epoch seconds stay). */
export function inputRecord(record: JsonObject, fields: readonly string[]): JsonObject {
  return fields.length === 0 ? record : mapFields(record, fields, epochSecondsFromIso);
}
