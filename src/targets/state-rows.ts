import { TargetError } from '../tap/errors.js';
import { isJsonObject, parseJson } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import { SINGER_STATE_KEY } from './target.js';

/** [stream, JSON text] pairs to store. */
export function encodeState(state: TapState): [string, string][] {
  return Object.entries(state).map(([stream, value]) => [stream, JSON.stringify(value)]);
}

/** Rows of `_devin_tap_state` (stream, state text) as a TapState; the Singer key is left out. */
export function decodeState(rows: readonly unknown[]): TapState {
  const state: TapState = {};
  for (const row of rows) {
    if (!isJsonObject(row) || typeof row.stream !== 'string' || typeof row.state !== 'string') continue;
    if (row.stream === SINGER_STATE_KEY) continue;
    let value: unknown;
    try {
      value = parseJson(row.state);
    } catch {
      throw new TargetError(`_devin_tap_state: the state of stream ${row.stream} is not valid JSON`);
    }
    if (!isJsonObject(value))
      throw new TargetError(`_devin_tap_state: the state of stream ${row.stream} is not an object`);
    state[row.stream] = value;
  }
  return state;
}
