import { StateError } from '../tap/errors.js';
import { isJsonObject, type JsonObject } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import { parseStreamState } from '../tap/state/stream-state.js';
import { ALL_STREAM_NAMES as STREAM_NAMES } from '../tap/streams/index.js';

/** Wrappers around the Singer state: a STATE message's `value`; `meltano state get` prints `singer_state`. */
const WRAPPERS = ['value', 'singer_state'] as const;
const STATE_KEYS: readonly string[] = ['bookmarks', 'currently_syncing'];

/**
 * Parses a Singer state file: `{"bookmarks": {stream: {...}}}` (the line a Singer target prints
 * per STATE, which Meltano passes back), also wrapped as `{"value": {"bookmarks": ...}}`,
 * `{"singer_state": {"bookmarks": ...}}` or a whole `{"type": "STATE", "value": ...}` message.
 * `{}` means no state.
 * Anything else is an error, never a silent full re-read; so is a stream state devin-tap did not
 * write, selected or not (the tap core also checks the selected ones' bookmarks against the clock).
 */
export function parseSingerState(raw: unknown, source: string): TapState {
  if (!isJsonObject(raw))
    throw new StateError(`${source}: expected a Singer state object {"bookmarks": {...}}`);
  const { value, path } = unwrap(raw, source);
  const unexpected = Object.keys(value).find((key) => !STATE_KEYS.includes(key));
  if (unexpected !== undefined) {
    throw new StateError(
      `${source}: ${path}unexpected key "${unexpected}"; a Singer state is {"bookmarks": {"<stream>": {...}}}`,
    );
  }
  const where = `${source}: ${path}bookmarks`;
  // No "bookmarks" key is no state; "bookmarks": null is a malformed one.
  const bookmarks = value.bookmarks === undefined ? {} : value.bookmarks;
  if (!isJsonObject(bookmarks)) throw new StateError(`${where}: expected an object keyed by stream`);
  const state: TapState = {};
  for (const [stream, streamState] of Object.entries(bookmarks)) {
    if (!STREAM_NAMES.includes(stream)) {
      throw new StateError(`${where}: unknown stream "${stream}"; valid: ${STREAM_NAMES.join(', ')}`);
    }
    if (!isJsonObject(streamState)) {
      throw new StateError(`${where}.${stream}: the state of a stream must be an object`);
    }
    // Checked even when the stream is not selected: it is carried into every STATE this run prints.
    parseStreamState(stream, streamState);
    state[stream] = streamState;
  }
  return state;
}

function unwrap(raw: JsonObject, source: string): { value: JsonObject; path: string } {
  // A whole STATE message, as earlier `devin-tap load` versions echoed it.
  if (raw.type === 'STATE' && isJsonObject(raw.value) && raw.bookmarks === undefined) {
    return { value: raw.value, path: 'value.' };
  }
  const wrapper = WRAPPERS.find((key) => raw[key] !== undefined && raw.bookmarks === undefined);
  if (wrapper === undefined) return { value: raw, path: '' };
  const value = raw[wrapper];
  if (!isJsonObject(value) || Object.keys(raw).length !== 1) {
    throw new StateError(`${source}: expected {"${wrapper}": {"bookmarks": {...}}} and nothing beside it`);
  }
  return { value, path: `${wrapper}.` };
}
