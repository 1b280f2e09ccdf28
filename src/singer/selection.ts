import { schemaOf } from '../tap/catalog.js';
import { CatalogError } from '../tap/errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../tap/json.js';
import {
  findStream,
  type StreamDef,
  type StreamScope,
  streamNamesOf,
  streamsOf,
} from '../tap/streams/index.js';
import { automaticFields, REPLICATION_METHODS, type ReplicationMethod, schemaFields } from './catalog.js';

export interface StreamSelection {
  name: string;
  replicationMethod: ReplicationMethod;
  /** Deselected fields; never a key or the replication key. */
  deselected: ReadonlySet<string>;
}

export interface Selection {
  streams: StreamSelection[];
  /** Things worth telling the user that do not stop the run (e.g. an automatic field deselected). */
  warnings: string[];
}

/** Without a catalog: every stream that is selected by default (all but session_messages). */
export function defaultSelection(scope: StreamScope = 'organization'): Selection {
  const streams = streamsOf(scope)
    .filter((def) => def.selectedByDefault)
    .map(
      (def): StreamSelection => ({
        name: def.name,
        replicationMethod: def.cursorField === null ? 'FULL_TABLE' : 'INCREMENTAL',
        deselected: new Set(),
      }),
    );
  return { streams, warnings: [] };
}

interface EntryMetadata {
  root: JsonObject;
  fields: Map<string, JsonObject>;
}

/**
 * Parses a Singer catalog (`--catalog`, or the legacy `--properties`) into the streams to read.
 * Strict: every problem names the file, the stream entry and the field at fault.
 */
export function parseSingerCatalog(
  raw: unknown,
  source: string,
  scope: StreamScope = 'organization',
): Selection {
  if (!isJsonObject(raw) || !Array.isArray(raw.streams)) {
    throw new CatalogError(`${source}: expected a Singer catalog: an object with a "streams" array`);
  }
  const seen = new Set<string>();
  const selection: Selection = { streams: [], warnings: [] };
  raw.streams.forEach((entry, index) => {
    const { def, entryObject } = entryStream(entry, `${source}: streams[${index}]`, scope);
    const where = `${source}: stream "${def.name}" (streams[${index}])`;
    if (seen.has(def.name)) throw new CatalogError(`${where}: the stream appears twice in the catalog`);
    seen.add(def.name);
    const metadata = entryMetadata(entryObject, def, where);
    if (!isStreamSelected(entryObject, metadata.root, def, where)) return;
    selection.streams.push({
      name: def.name,
      replicationMethod: replicationMethod(entryObject, metadata.root, where),
      deselected: deselectedFields(metadata.fields, def, where, selection.warnings),
    });
    checkReplicationKey(entryObject, metadata.root, def, where);
  });
  return selection;
}

function entryStream(
  entry: JsonValue,
  where: string,
  scope: StreamScope,
): { def: StreamDef; entryObject: JsonObject } {
  if (!isJsonObject(entry)) throw new CatalogError(`${where}: expected a stream object`);
  const id = entry.tap_stream_id ?? entry.stream;
  if (typeof id !== 'string') throw new CatalogError(`${where}.tap_stream_id: expected a string`);
  const def = findStream(id, scope);
  if (def === undefined) {
    throw new CatalogError(
      `${where}.tap_stream_id: unknown stream "${id}"; valid: ${streamNamesOf(scope).join(', ')}`,
    );
  }
  return { def, entryObject: entry };
}

function entryMetadata(entry: JsonObject, def: StreamDef, where: string): EntryMetadata {
  const result: EntryMetadata = { root: {}, fields: new Map() };
  const items = entry.metadata ?? [];
  if (!Array.isArray(items)) throw new CatalogError(`${where}.metadata: expected an array`);
  const fields = schemaFields(schemaOf(def));
  items.forEach((item, index) => {
    const at = `${where}.metadata[${index}]`;
    if (!isJsonObject(item) || !Array.isArray(item.breadcrumb) || !isJsonObject(item.metadata)) {
      throw new CatalogError(`${at}: expected {"breadcrumb": [...], "metadata": {...}}`);
    }
    const crumb = item.breadcrumb;
    if (crumb.length === 0) {
      result.root = { ...result.root, ...item.metadata };
      return;
    }
    const field = crumb[1];
    if (crumb.length !== 2 || crumb[0] !== 'properties' || typeof field !== 'string') {
      throw new CatalogError(
        `${at}.breadcrumb: ${JSON.stringify(crumb)} is not [] or ["properties", <field>] (nested fields cannot be selected)`,
      );
    }
    if (!fields.includes(field)) {
      throw new CatalogError(`${at}.breadcrumb: unknown field "${field}"; valid: ${fields.join(', ')}`);
    }
    result.fields.set(field, { ...result.fields.get(field), ...item.metadata });
  });
  return result;
}

function optionalBoolean(object: JsonObject, key: string, where: string): boolean | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new CatalogError(`${where}.${key}: expected true or false`);
  return value;
}

function optionalString(object: JsonObject, key: string, where: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new CatalogError(`${where}.${key}: expected a string`);
  return value;
}

/** Stream-level `selected`, then the legacy entry-level `selected`, then `selected-by-default`. */
function isStreamSelected(entry: JsonObject, root: JsonObject, def: StreamDef, where: string): boolean {
  return (
    optionalBoolean(root, 'selected', `${where}.metadata[[]]`) ??
    optionalBoolean(entry, 'selected', where) ??
    optionalBoolean(root, 'selected-by-default', `${where}.metadata[[]]`) ??
    def.selectedByDefault
  );
}

function replicationMethod(entry: JsonObject, root: JsonObject, where: string): ReplicationMethod {
  const fromMetadata = optionalString(root, 'replication-method', `${where}.metadata[[]]`);
  const method = fromMetadata ?? optionalString(entry, 'replication_method', where) ?? 'INCREMENTAL';
  const found = REPLICATION_METHODS.find((candidate) => candidate === method);
  if (found === undefined) {
    const field = fromMetadata === undefined ? 'replication_method' : 'metadata[[]].replication-method';
    throw new CatalogError(
      `${where}.${field}: unsupported replication method "${method}"; valid: ${REPLICATION_METHODS.join(', ')}`,
    );
  }
  return found;
}

function checkReplicationKey(entry: JsonObject, root: JsonObject, def: StreamDef, where: string): void {
  const key =
    optionalString(root, 'replication-key', `${where}.metadata[[]]`) ??
    optionalString(entry, 'replication_key', where);
  if (key !== undefined && key !== '' && key !== def.cursorField) {
    throw new CatalogError(
      `${where}: replication key "${key}" is not supported; valid: ${def.cursorField ?? 'none'}`,
    );
  }
}

function deselectedFields(
  fields: ReadonlyMap<string, JsonObject>,
  def: StreamDef,
  where: string,
  warnings: string[],
): Set<string> {
  const automatic = automaticFields(def);
  const deselected = new Set<string>();
  for (const [field, metadata] of fields) {
    const at = `${where}.metadata["properties","${field}"]`;
    const selected =
      optionalBoolean(metadata, 'selected', at) ??
      optionalBoolean(metadata, 'selected-by-default', at) ??
      true;
    if (selected) continue;
    if (automatic.has(field)) {
      warnings.push(
        `${def.name}.${field} is an automatic field (key or replication key): it is always emitted`,
      );
    } else {
      deselected.add(field);
    }
  }
  return deselected;
}
