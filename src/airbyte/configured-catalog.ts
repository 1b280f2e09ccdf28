import { CatalogError } from '../tap/errors.js';
import { isJsonObject } from '../tap/json.js';
import type { SyncMode } from '../tap/state/cursor-plan.js';
import { type StreamScope, streamNamesOf } from '../tap/streams/index.js';

export type { SyncMode };

export interface ConfiguredStreamChoice {
  name: string;
  syncMode: SyncMode;
}

const SYNC_MODES: readonly string[] = ['full_refresh', 'incremental'];

/** Parses an Airbyte ConfiguredAirbyteCatalog; every problem names the stream entry and field at fault. */
export function parseConfiguredCatalog(
  raw: unknown,
  source: string,
  scope: StreamScope = 'organization',
): ConfiguredStreamChoice[] {
  const STREAM_NAMES = streamNamesOf(scope);
  if (!isJsonObject(raw) || !Array.isArray(raw.streams)) {
    throw new CatalogError(`${source}: expected a configured catalog, an object with a "streams" array`);
  }
  const seen = new Set<string>();
  const chosen = raw.streams.map((entry, index): ConfiguredStreamChoice => {
    const where = `${source}: streams[${index}]`;
    if (!isJsonObject(entry) || !isJsonObject(entry.stream)) {
      throw new CatalogError(`${where}: expected an object with a "stream" object`);
    }
    const name = entry.stream.name;
    if (typeof name !== 'string') throw new CatalogError(`${where}.stream.name: expected a string`);
    if (!STREAM_NAMES.includes(name)) {
      throw new CatalogError(
        `${where}.stream.name: unknown stream "${name}"; valid: ${STREAM_NAMES.join(', ')}`,
      );
    }
    if (seen.has(name)) throw new CatalogError(`${where}: stream "${name}" is configured twice`);
    seen.add(name);
    const syncMode = entry.sync_mode ?? 'full_refresh';
    if (typeof syncMode !== 'string' || !SYNC_MODES.includes(syncMode)) {
      throw new CatalogError(`${where}.sync_mode: expected "full_refresh" or "incremental"`);
    }
    return { name, syncMode: syncMode as SyncMode };
  });
  if (chosen.length === 0) throw new CatalogError(`${source}: the catalog configures no streams`);
  return chosen;
}
