import type { JsonSchema, TapEvent } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import { outputRecord, outputSchema, timeFieldsOf } from './timestamps.js';

/** Singer messages, as plain JSON objects. Only these three types go to stdout. */
export type SingerMessage = JsonObject & { type: 'SCHEMA' | 'RECORD' | 'STATE' };

/** Fields the user deselected, per stream (never key or replication-key fields). */
export type DeselectedFields = ReadonlyMap<string, ReadonlySet<string>>;

export interface SingerContext {
  /** Bookmarks of every stream after this event (see reduceBookmarks). */
  bookmarks: TapState;
  deselected: DeselectedFields;
  /** Each stream's schema as its SCHEMA event gave it: its time fields are written as ISO 8601. */
  schemas?: ReadonlyMap<string, JsonSchema>;
  /** The last SCHEMA message of each stream (a `reread` event repeats it). */
  schemaMessages?: ReadonlyMap<string, SingerMessage>;
}

/**
 * A SCHEMA message's key naming the scope of the records that follow (see RereadScope): Singer has
 * no message for it, and a SCHEMA may be repeated; targets other than `devin-tap load` ignore it.
 */
export const REREAD_KEY = 'devin_tap_reread';

/** Pure state reducer: the Singer STATE value carries the latest bookmark of every stream. */
export function reduceBookmarks(bookmarks: TapState, event: TapEvent): TapState {
  if (event.kind !== 'state') return bookmarks;
  return { ...bookmarks, [event.stream]: event.state };
}

let lastExtracted = { at: Number.NaN, iso: '' };

/** `new Date(ms).toISOString()`, made once per millisecond: a page's records share one. */
function isoMilliseconds(ms: number): string {
  if (ms !== lastExtracted.at) lastExtracted = { at: ms, iso: new Date(ms).toISOString() };
  return lastExtracted.iso;
}

/** Pure encoder: one tap event to at most one Singer message for stdout. */
export function encodeSinger(event: TapEvent, context: SingerContext): SingerMessage | null {
  switch (event.kind) {
    case 'schema': {
      const message: SingerMessage = {
        type: 'SCHEMA',
        stream: event.stream,
        schema: selectSchema(outputSchema(event.schema), context.deselected.get(event.stream)),
        key_properties: [...event.keys],
      };
      if (event.cursorField !== null) message.bookmark_properties = [event.cursorField];
      return message;
    }
    case 'record': {
      const schema = context.schemas?.get(event.stream);
      const data = schema === undefined ? event.data : outputRecord(event.data, timeFieldsOf(schema));
      return {
        type: 'RECORD',
        stream: event.stream,
        record: selectRecord(data, context.deselected.get(event.stream)),
        time_extracted: isoMilliseconds(event.emittedAt),
      };
    }
    case 'state':
      return stateMessage(context.bookmarks);
    case 'reread': {
      const schema = context.schemaMessages?.get(event.stream);
      if (schema === undefined) return null;
      const { window, match } = event.scope;
      return { ...schema, [REREAD_KEY]: { ...window, match } };
    }
    case 'status':
    case 'progress':
    case 'log':
    case 'stream_error':
    case 'rejected':
      return null;
  }
}

export function stateMessage(bookmarks: TapState): SingerMessage {
  return { type: 'STATE', value: { bookmarks } };
}

/** Log and stream-error events as stderr lines (`LEVEL message`); null for everything else. */
export function singerLogLine(event: TapEvent): string | null {
  switch (event.kind) {
    case 'log':
      return `${event.level.toUpperCase()} ${event.message}`;
    case 'stream_error':
      return `ERROR stream ${event.stream} failed (${event.failure}): ${event.message}`;
    case 'rejected':
      return `WARNING ${event.stream}: record rejected (${event.reason}); it is not emitted`;
    default:
      return null;
  }
}

export function selectSchema(schema: JsonSchema, deselected: ReadonlySet<string> | undefined): JsonSchema {
  if (deselected === undefined || deselected.size === 0) return schema;
  const properties = schema.properties;
  const result: JsonSchema = { ...schema };
  if (typeof properties === 'object' && properties !== null && !Array.isArray(properties)) {
    result.properties = selectRecord(properties, deselected);
  }
  if (Array.isArray(schema.required)) {
    result.required = schema.required.filter((name) => typeof name !== 'string' || !deselected.has(name));
  }
  return result;
}

export function selectRecord(data: JsonObject, deselected: ReadonlySet<string> | undefined): JsonObject {
  if (deselected === undefined || deselected.size === 0) return data;
  const result: JsonObject = {};
  for (const [name, value] of Object.entries(data)) {
    if (!deselected.has(name)) result[name] = value;
  }
  return result;
}
