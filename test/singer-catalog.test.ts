import { describe, expect, it } from 'vitest';
import { outputSchema } from '../src/protocol/timestamps.js';
import { automaticFields, discoverCatalog, schemaFields } from '../src/singer/catalog.js';
import { defaultSelection, parseSingerCatalog, type Selection } from '../src/singer/selection.js';
import { streamSchema } from '../src/tap/catalog.js';
import { CatalogError } from '../src/tap/errors.js';
import type { JsonObject } from '../src/tap/json.js';
import { findStream, STREAM_NAMES, STREAMS } from '../src/tap/streams/index.js';
import { thrownBy } from './helpers/errors.js';

type Entry = JsonObject & {
  tap_stream_id: string;
  metadata: { breadcrumb: string[]; metadata: JsonObject }[];
};

function discovered(): Entry[] {
  return structuredClone(discoverCatalog()).streams as Entry[];
}

function rootOf(entry: Entry): JsonObject {
  const root = entry.metadata.find((item) => item.breadcrumb.length === 0);
  if (root === undefined) throw new Error(`no stream metadata for ${entry.tap_stream_id}`);
  return root.metadata;
}

function fieldOf(entry: Entry, field: string): JsonObject {
  const item = entry.metadata.find((m) => m.breadcrumb[0] === 'properties' && m.breadcrumb[1] === field);
  if (item === undefined) throw new Error(`no metadata for ${entry.tap_stream_id}.${field}`);
  return item.metadata;
}

function summary(selection: Selection) {
  return selection.streams.map((s) => ({
    name: s.name,
    method: s.replicationMethod,
    off: [...s.deselected],
  }));
}

function parseError(catalog: unknown): string {
  return thrownBy(CatalogError, () => parseSingerCatalog(catalog, 'cat.json')).message;
}

describe('discover catalog', () => {
  it('describes every stream with keys, replication key and INCREMENTAL', () => {
    const entries = discovered();
    expect(entries.map((e) => e.tap_stream_id)).toEqual(STREAM_NAMES);
    for (const entry of entries) {
      const def = findStream(entry.tap_stream_id);
      expect(entry.stream).toBe(entry.tap_stream_id);
      expect(entry.key_properties).toEqual(def?.primaryKey);
      // A stream without a cursor (users) is FULL_TABLE and has no replication key.
      expect(entry.replication_key).toBe(def?.cursorField ?? undefined);
      expect(entry.replication_method).toBe(def?.cursorField === null ? 'FULL_TABLE' : 'INCREMENTAL');
      // The catalog's schema as targets see it: time fields ISO 8601 date-times.
      expect(entry.schema).toEqual(outputSchema(streamSchema(entry.tap_stream_id)));
    }
  });

  it('every key and replication key exists in its stream schema', () => {
    for (const def of STREAMS) {
      const fields = schemaFields(streamSchema(def.name));
      for (const field of automaticFields(def)) expect(fields, `${def.name}.${field}`).toContain(field);
    }
  });

  it('has stream-level metadata: the streams holding personal data are not selected by default', () => {
    for (const entry of discovered()) {
      const def = findStream(entry.tap_stream_id);
      expect(rootOf(entry)).toEqual({
        inclusion: 'available',
        'selected-by-default': def?.selectedByDefault,
        'table-key-properties': def?.primaryKey,
        'valid-replication-keys': def?.cursorField ? [def.cursorField] : [],
        ...(def?.cursorField === null ? { 'forced-replication-method': 'FULL_TABLE' } : {}),
      });
    }
  });

  it('has one property breadcrumb per field: automatic for keys and the replication key', () => {
    for (const entry of discovered()) {
      const def = STREAMS.find((d) => d.name === entry.tap_stream_id);
      if (def === undefined) throw new Error('unknown stream');
      const fields = schemaFields(streamSchema(def.name));
      expect(entry.metadata.slice(1).map((m) => m.breadcrumb)).toEqual(fields.map((f) => ['properties', f]));
      for (const field of fields) {
        const expected = [...def.primaryKey, def.cursorField].includes(field) ? 'automatic' : 'available';
        expect(fieldOf(entry, field).inclusion, `${def.name}.${field}`).toBe(expected);
      }
    }
  });
});

describe('parseSingerCatalog', () => {
  it('selects what the discovered catalog selects by default: all but messages and attachments', () => {
    const selection = parseSingerCatalog({ streams: discovered() }, 'cat.json');
    expect(summary(selection)).toEqual(summary(defaultSelection()));
    expect(selection.streams.map((s) => s.name)).toEqual(
      STREAM_NAMES.filter((n) => n !== 'session_messages' && n !== 'session_attachments'),
    );
  });

  it('honours stream-level selected over selected-by-default, and the legacy entry-level selected', () => {
    const entries = discovered();
    for (const entry of entries) rootOf(entry).selected = entry.tap_stream_id === 'session_messages';
    (entries[3] as Entry).selected = true; // playbooks: the metadata says false, and wins
    const legacy = discovered().filter((e) => e.tap_stream_id === 'secrets');
    for (const entry of legacy) entry.selected = false;
    expect(parseSingerCatalog({ streams: entries }, 'c').streams.map((s) => s.name)).toEqual([
      'session_messages',
    ]);
    expect(parseSingerCatalog({ streams: legacy }, 'c').streams).toEqual([]);
  });

  it('deselects fields, but never automatic ones (with a warning)', () => {
    const [sessions] = discovered();
    if (sessions === undefined) throw new Error('no sessions');
    fieldOf(sessions, 'title').selected = false;
    fieldOf(sessions, 'tags')['selected-by-default'] = false;
    fieldOf(sessions, 'status').selected = true;
    fieldOf(sessions, 'session_id').selected = false;
    const selection = parseSingerCatalog({ streams: [sessions] }, 'c');
    expect([...(selection.streams[0]?.deselected ?? [])]).toEqual(['title', 'tags']);
    expect(selection.warnings).toEqual([
      'sessions.session_id is an automatic field (key or replication key): it is always emitted',
    ]);
  });

  it('honours FULL_TABLE from metadata or the entry', () => {
    const [sessions, insights] = discovered();
    if (sessions === undefined || insights === undefined) throw new Error('missing streams');
    rootOf(sessions)['replication-method'] = 'FULL_TABLE';
    insights.replication_method = 'FULL_TABLE';
    const selection = parseSingerCatalog({ streams: [sessions, insights] }, 'c');
    expect(selection.streams.map((s) => s.replicationMethod)).toEqual(['FULL_TABLE', 'FULL_TABLE']);
  });

  it('names the file, stream and field of every problem', () => {
    expect(parseError([])).toContain('cat.json: expected a Singer catalog');
    expect(parseError({ streams: [{ tap_stream_id: 'sesions' }] })).toBe(
      `cat.json: streams[0].tap_stream_id: unknown stream "sesions"; valid: ${STREAM_NAMES.join(', ')}`,
    );
    const [sessions] = discovered();
    if (sessions === undefined) throw new Error('no sessions');
    expect(parseError({ streams: [sessions, sessions] })).toContain('stream "sessions" (streams[1])');

    const badField = structuredClone(sessions);
    badField.metadata.push({ breadcrumb: ['properties', 'nope'], metadata: { selected: false } });
    expect(parseError({ streams: [badField] })).toMatch(/cat\.json: stream "sessions".*unknown field "nope"/);

    const nested = structuredClone(sessions);
    nested.metadata.push({ breadcrumb: ['properties', 'pull_requests', 'items'], metadata: {} });
    expect(parseError({ streams: [nested] })).toContain('nested fields cannot be selected');

    const notBoolean = structuredClone(sessions);
    fieldOf(notBoolean, 'title').selected = 'no';
    expect(parseError({ streams: [notBoolean] })).toContain('"title"].selected: expected true or false');

    const logBased = structuredClone(sessions);
    rootOf(logBased)['replication-method'] = 'LOG_BASED';
    expect(parseError({ streams: [logBased] })).toContain('unsupported replication method "LOG_BASED"');

    const otherKey = structuredClone(sessions);
    rootOf(otherKey)['replication-key'] = 'created_at';
    expect(parseError({ streams: [otherKey] })).toContain('replication key "created_at" is not supported');

    expect(parseError({ streams: [{ tap_stream_id: 'sessions', metadata: {} }] })).toContain(
      'stream "sessions" (streams[0]).metadata: expected an array',
    );
  });
});
