/**
 * Airbyte output checked against the protocol's own JSON Schema (test/fixtures/airbyte_protocol.yaml):
 * each message by the definition its type names, since `AirbyteMessage` itself requires only `type`
 * (a RECORD without `record` would pass it). Every test that reads Airbyte output goes through here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { JsonObject } from '../../src/tap/json.js';

/** Each message type's body field and the definition that body must match. */
const BODIES: Record<string, readonly [string, string]> = {
  RECORD: ['record', 'AirbyteRecordMessage'],
  STATE: ['state', 'AirbyteStateMessage'],
  LOG: ['log', 'AirbyteLogMessage'],
  SPEC: ['spec', 'ConnectorSpecification'],
  CONNECTION_STATUS: ['connectionStatus', 'AirbyteConnectionStatus'],
  CATALOG: ['catalog', 'AirbyteCatalog'],
  TRACE: ['trace', 'AirbyteTraceMessage'],
  CONTROL: ['control', 'AirbyteControlMessage'],
  DESTINATION_CATALOG: ['destination_catalog', 'DestinationCatalog'],
};

/** Sub-bodies the protocol names by a `type` field: a STATE's and a TRACE's. */
const STATE_BODIES: Record<string, string> = { STREAM: 'stream', GLOBAL: 'global', LEGACY: 'data' };
const TRACE_BODIES: Record<string, string> = {
  ERROR: 'error',
  ESTIMATE: 'estimate',
  STREAM_STATUS: 'stream_status',
  ANALYTICS: 'analytics',
};

const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function validator(definition: string): ValidateFunction {
  if (!ajv) {
    const protocol = parse(readFileSync(resolve('test/fixtures/airbyte_protocol.yaml'), 'utf8')) as object;
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ ...protocol, $id: 'airbyte_protocol' });
  }
  let found = validators.get(definition);
  if (!found) {
    found = ajv.compile({ $ref: `airbyte_protocol#/definitions/${definition}` });
    validators.set(definition, found);
  }
  return found;
}

function schemaErrors(definition: string, value: unknown): string | null {
  const validate = validator(definition);
  return validate(value) ? null : `${definition}: ${JSON.stringify(validate.errors)}`;
}

function subBodyError(owner: string, body: JsonObject, names: Record<string, string>): string | null {
  const field = names[String(body.type ?? (owner === 'STATE' ? 'LEGACY' : ''))];
  if (field === undefined) return `${owner} of unknown type ${JSON.stringify(body.type)}`;
  return body[field] === undefined ? `${owner} ${String(body.type ?? 'LEGACY')} has no ${field}` : null;
}

/**
 * Null when the message is an `AirbyteMessage` holding exactly the body its type names, valid by that
 * body's definition (and a STATE's or TRACE's own sub-body present); else what is wrong.
 */
export function airbyteMessageErrors(message: unknown): string | null {
  const envelope = schemaErrors('AirbyteMessage', message);
  if (envelope !== null) return envelope;
  const { type, ...rest } = message as JsonObject;
  const [field, definition] = BODIES[String(type)] ?? ['', ''];
  const fields = Object.keys(rest);
  if (fields.length !== 1 || fields[0] !== field)
    return `${String(type)} must hold only ${field}: has ${fields}`;
  const body = rest[field];
  const bodyError = schemaErrors(definition, body);
  if (bodyError !== null) return bodyError;
  if (type === 'STATE') return subBodyError('STATE', body as JsonObject, STATE_BODIES);
  if (type === 'TRACE') return subBodyError('TRACE', body as JsonObject, TRACE_BODIES);
  return null;
}

export interface AirbyteMessage {
  type: string;
  record?: { stream: string; data: JsonObject; emitted_at: number };
  state?: JsonObject & {
    type?: string;
    stream?: { stream_descriptor: { name: string }; stream_state?: JsonObject };
    data?: JsonObject;
  };
  log?: { level: string; message: string };
  trace?: JsonObject & {
    type: string;
    error?: JsonObject & { message: string; failure_type?: string };
    stream_status?: { stream_descriptor: { name: string }; status: string };
  };
  connectionStatus?: { status: string; message?: string };
  catalog?: { streams: (JsonObject & { name: string })[] };
  spec?: JsonObject;
}

/**
 * Every line of a connector's stdout as Airbyte messages, each validated by the definition its type
 * names; throws naming the first line that is not JSON or not valid.
 */
export function airbyteMessages(stdout: string): AirbyteMessage[] {
  const lines = stdout.split('\n').filter((line) => line.length > 0);
  return lines.map((line, index) => {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      throw new Error(`stdout line ${index + 1} is not JSON: ${line.slice(0, 200)}`);
    }
    const errors = airbyteMessageErrors(message);
    if (errors !== null)
      throw new Error(`stdout line ${index + 1} is not a valid Airbyte message: ${errors}`);
    return message as AirbyteMessage;
  });
}

/** The data of the RECORD messages, of one stream when named. */
export function recordData(messages: readonly AirbyteMessage[], stream?: string): JsonObject[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (stream === undefined || m.record?.stream === stream))
    .map((m) => m.record?.data as JsonObject);
}

export interface CatalogOptions {
  /** One mode for every stream, or a mode per stream name. */
  syncMode?: string | ((name: string) => string);
  destinationSyncMode?: string;
  /** The cursor field a stream is configured with, when the test sets one. */
  cursorField?: (name: string) => string[];
}

/** A configured catalog of these streams, as Airbyte passes to `read` (the stream schemas left empty). */
export function configuredCatalog(streams: readonly string[], options: CatalogOptions = {}): JsonObject {
  const { syncMode = 'incremental', destinationSyncMode = 'append', cursorField } = options;
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: typeof syncMode === 'string' ? syncMode : syncMode(name),
      ...(cursorField ? { cursor_field: cursorField(name) } : {}),
      destination_sync_mode: destinationSyncMode,
    })),
  };
}
