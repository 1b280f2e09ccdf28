import { StateError } from '../tap/errors.js';
import { isJsonObject, type JsonValue } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import { ALL_STREAM_NAMES as STREAM_NAMES } from '../tap/streams/index.js';

/**
 * Parses the state Airbyte passes to `read --state`: an array of per-stream AirbyteStateMessages
 * (the current form), or a legacy object (`{"data": {...}}` or `{stream: state}`). An empty array or
 * object means no state. The inner per-stream format is validated by the tap.
 */
export function parseAirbyteState(raw: unknown, source: string): TapState {
  if (Array.isArray(raw)) return fromMessages(raw, source);
  if (!isJsonObject(raw)) throw new StateError(`${source}: expected an array of state messages or an object`);
  const legacy = isJsonObject(raw.data) ? raw.data : raw;
  const state: TapState = {};
  for (const [stream, value] of Object.entries(legacy)) state[stream] = streamState(value, stream, source);
  return state;
}

function fromMessages(messages: readonly JsonValue[], source: string): TapState {
  const state: TapState = {};
  messages.forEach((message, index) => {
    const where = `${source}: [${index}]`;
    if (!isJsonObject(message)) throw new StateError(`${where}: expected a state message object`);
    if (message.type === 'GLOBAL')
      throw new StateError(`${where}: GLOBAL state is not supported; use STREAM`);
    if (message.type === 'LEGACY' || (message.type === undefined && isJsonObject(message.data))) {
      Object.assign(state, parseAirbyteState({ data: message.data ?? null }, where));
      return;
    }
    if (message.type !== 'STREAM' || !isJsonObject(message.stream)) {
      throw new StateError(`${where}: expected {"type": "STREAM", "stream": {...}}`);
    }
    const descriptor = message.stream.stream_descriptor;
    if (!isJsonObject(descriptor) || typeof descriptor.name !== 'string') {
      throw new StateError(`${where}.stream.stream_descriptor.name: expected a stream name`);
    }
    state[descriptor.name] = streamState(message.stream.stream_state ?? {}, descriptor.name, where);
  });
  return state;
}

function streamState(value: JsonValue, stream: string, where: string): TapState[string] {
  if (!STREAM_NAMES.includes(stream)) {
    throw new StateError(`${where}: state for unknown stream "${stream}"; valid: ${STREAM_NAMES.join(', ')}`);
  }
  if (!isJsonObject(value))
    throw new StateError(`${where}: the state of stream "${stream}" must be an object`);
  return value;
}
