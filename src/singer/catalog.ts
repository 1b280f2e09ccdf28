import { outputSchema } from '../protocol/timestamps.js';
import { schemaOf } from '../tap/catalog.js';
import type { JsonSchema } from '../tap/events.js';
import { isJsonObject, type JsonObject } from '../tap/json.js';
import { type StreamDef, type StreamScope, streamsOf } from '../tap/streams/index.js';

export type ReplicationMethod = 'INCREMENTAL' | 'FULL_TABLE';
export const REPLICATION_METHODS: readonly ReplicationMethod[] = ['INCREMENTAL', 'FULL_TABLE'];

/** Keys and the replication key: always emitted, whatever the catalog deselects. */
export function automaticFields(def: StreamDef): ReadonlySet<string> {
  return new Set([...def.primaryKey, ...(def.cursorField === null ? [] : [def.cursorField])]);
}

/** The top-level property names of a stream schema, in schema order. */
export function schemaFields(schema: JsonSchema): string[] {
  return isJsonObject(schema.properties) ? Object.keys(schema.properties) : [];
}

/**
 * The discovery metadata of one stream (Singer spec, "Metadata"): the stream breadcrumb `[]`, then
 * one `["properties", field]` breadcrumb per top-level field.
 */
export function streamMetadata(def: StreamDef, schema: JsonSchema): JsonObject[] {
  const automatic = automaticFields(def);
  const root: JsonObject = {
    breadcrumb: [],
    metadata: {
      inclusion: 'available',
      'selected-by-default': def.selectedByDefault,
      'table-key-properties': [...def.primaryKey],
      'valid-replication-keys': def.cursorField === null ? [] : [def.cursorField],
      // A stream without a cursor (users) is read in full every run.
      ...(def.cursorField === null ? { 'forced-replication-method': 'FULL_TABLE' } : {}),
    },
  };
  const fields = schemaFields(schema).map(
    (field): JsonObject => ({
      breadcrumb: ['properties', field],
      metadata: { inclusion: automatic.has(field) ? 'automatic' : 'available' },
    }),
  );
  return [root, ...fields];
}

export function catalogEntry(def: StreamDef, schema: JsonSchema): JsonObject {
  return {
    tap_stream_id: def.name,
    stream: def.name,
    schema: outputSchema(schema),
    key_properties: [...def.primaryKey],
    ...(def.cursorField === null ? {} : { replication_key: def.cursorField }),
    replication_method: def.cursorField === null ? 'FULL_TABLE' : 'INCREMENTAL',
    metadata: streamMetadata(def, schema),
  };
}

/** The catalog `--discover` prints: every stream, from the stream definitions and catalog/*.json. */
export function discoverCatalog(scope: StreamScope = 'organization'): JsonObject {
  return { streams: streamsOf(scope).map((def) => catalogEntry(def, schemaOf(def))) };
}
