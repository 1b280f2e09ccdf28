import type { JsonSchema, StreamStatus, TapEvent } from '../tap/events.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../tap/json.js';
import { outputRecord, outputSchema } from './timestamps.js';

/** Airbyte protocol messages, as plain JSON objects (see airbyte_protocol.yaml). */
export type AirbyteMessage = JsonObject & { type: string };

export type FailureType = 'config_error' | 'system_error' | 'transient_error';

const STATUS: Record<StreamStatus, string> = {
  started: 'STARTED',
  running: 'RUNNING',
  complete: 'COMPLETE',
  incomplete: 'INCOMPLETE',
};

const LOG_LEVEL = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

/** A stream's time fields (catalog-marked), emitted as ISO 8601 strings. */
export type TimeFields = (stream: string) => readonly string[];
const NO_TIME_FIELDS: TimeFields = () => [];

/**
 * Pure encoder: one tap event to at most one Airbyte message. `now` is epoch milliseconds; the
 * record's `timeFields` (epoch seconds in the tap) are written as ISO 8601 UTC strings.
 */
export function encodeAirbyte(
  event: TapEvent,
  now: number,
  timeFields: TimeFields = NO_TIME_FIELDS,
): AirbyteMessage | null {
  switch (event.kind) {
    case 'record': {
      const data = outputRecord(event.data, timeFields(event.stream));
      return { type: 'RECORD', record: { stream: event.stream, data, emitted_at: event.emittedAt } };
    }
    case 'state':
      return {
        type: 'STATE',
        state: {
          type: 'STREAM',
          stream: { stream_descriptor: { name: event.stream }, stream_state: event.state },
          sourceStats:
            event.rejectedCount === undefined
              ? { recordCount: event.recordCount }
              : { recordCount: event.recordCount, rejectedRecordCount: event.rejectedCount },
        },
      };
    case 'status':
      return {
        type: 'TRACE',
        trace: {
          type: 'STREAM_STATUS',
          emitted_at: now,
          stream_status: { stream_descriptor: { name: event.stream }, status: STATUS[event.status] },
        },
      };
    case 'stream_error':
      return errorTrace(event.message, event.failure, now, event.stream, event.internalMessage);
    case 'log':
      return logMessage(LOG_LEVEL[event.level], event.message);
    case 'rejected':
      return logMessage('WARN', `${event.stream}: record rejected (${event.reason}); it is not emitted`);
    case 'schema':
    case 'progress':
    // Airbyte has no message that deletes rows: a destination keeps a day the API stopped listing.
    case 'reread':
      return null;
  }
}

const RECORD_PREFIXES = new Map<string, string>();

/**
 * encodeAirbyte as one JSON line, byte for byte what JSON.stringify of its message gives. A RECORD
 * (nearly every line) is built around JSON.stringify(data): no wrapper objects to allocate and walk.
 */
export function encodeAirbyteLine(
  event: TapEvent,
  now: number,
  timeFields: TimeFields = NO_TIME_FIELDS,
): string | null {
  if (event.kind === 'record') {
    let prefix = RECORD_PREFIXES.get(event.stream);
    if (prefix === undefined) {
      prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(event.stream)},"data":`;
      RECORD_PREFIXES.set(event.stream, prefix);
    }
    const data = outputRecord(event.data, timeFields(event.stream));
    return `${prefix}${JSON.stringify(data)},"emitted_at":${JSON.stringify(event.emittedAt)}}}`;
  }
  const message = encodeAirbyte(event, now, timeFields);
  return message === null ? null : JSON.stringify(message);
}

export function errorTrace(
  message: string,
  failure: FailureType,
  now: number,
  stream?: string,
  internalMessage?: string,
): AirbyteMessage {
  const error: JsonObject = { message, failure_type: failure };
  if (internalMessage !== undefined) error.internal_message = internalMessage;
  if (stream !== undefined) error.stream_descriptor = { name: stream };
  return { type: 'TRACE', trace: { type: 'ERROR', emitted_at: now, error } };
}

export function logMessage(level: string, message: string): AirbyteMessage {
  return { type: 'LOG', log: { level, message } };
}

export function specMessage(connectionSpecification: JsonSchema, documentationUrl: string): AirbyteMessage {
  return {
    type: 'SPEC',
    spec: {
      documentationUrl,
      connectionSpecification,
      supportsIncremental: true,
      supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
      protocol_version: '0.5.2',
    },
  };
}

export function connectionStatusMessage(succeeded: boolean, message: string): AirbyteMessage {
  return {
    type: 'CONNECTION_STATUS',
    connectionStatus: { status: succeeded ? 'SUCCEEDED' : 'FAILED', message },
  };
}

export interface AirbyteStreamDescription {
  name: string;
  schema: JsonSchema;
  primaryKey: readonly string[];
  /** null: the stream has no cursor and is read in full (full_refresh only). */
  cursorField: string | null;
}

/**
 * A schema as Airbyte's acceptance tests require it: `additionalProperties` only ever `true` (secrets
 * say false, a map of numbers says `{"type": "number"}`), so a field removed later cannot break a
 * saved catalog. The records are unchanged: secrets still carry only the schema's fields.
 */
function openSchema(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(openSchema);
  if (!isJsonObject(value)) return value;
  const open: JsonObject = {};
  for (const [key, inner] of Object.entries(value))
    open[key] = key === 'additionalProperties' ? true : openSchema(inner);
  return open;
}

/**
 * The discovered catalog: schemas as destinations see them (time fields ISO 8601 date-times). A
 * stream without a cursor is full_refresh only and declares no cursor (no empty cursor field).
 */
export function catalogMessage(streams: readonly AirbyteStreamDescription[]): AirbyteMessage {
  return {
    type: 'CATALOG',
    catalog: {
      streams: streams.map((stream) => ({
        name: stream.name,
        json_schema: openSchema(outputSchema(stream.schema)),
        ...(stream.cursorField === null
          ? { supported_sync_modes: ['full_refresh'], source_defined_cursor: false }
          : {
              supported_sync_modes: ['full_refresh', 'incremental'],
              source_defined_cursor: true,
              default_cursor_field: [stream.cursorField],
            }),
        source_defined_primary_key: stream.primaryKey.map((key) => [key]),
        is_resumable: true,
      })),
    },
  };
}
