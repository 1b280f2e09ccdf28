import type { JsonObject } from '../json.js';

/**
 * One stream's state. Opaque to every output (Airbyte STATE, Singer bookmarks, the
 * `_devin_tap_state` table): only the tap reads its fields. Its shape is owned by src/tap/stream-state.ts.
 */
export type StreamState = JsonObject;

/** State of all streams, keyed by stream name. */
export type TapState = Record<string, StreamState>;
