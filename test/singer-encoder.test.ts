import { describe, expect, it } from 'vitest';
import {
  encodeSinger,
  reduceBookmarks,
  type SingerContext,
  selectSchema,
  singerLogLine,
} from '../src/protocol/singer.js';
import type { TapEvent } from '../src/tap/events.js';
import type { TapState } from '../src/tap/state/state.js';

const schema = {
  type: 'object',
  required: ['playbook_id', 'title', 'created_at'],
  properties: { playbook_id: { type: 'string' }, title: { type: 'string' }, body: { type: 'string' } },
};
const none: SingerContext = { bookmarks: {}, deselected: new Map() };
const withoutTitle: SingerContext = {
  bookmarks: {},
  deselected: new Map([['playbooks', new Set(['title'])]]),
};

describe('encodeSinger', () => {
  const schemaEvent: TapEvent = {
    kind: 'schema',
    stream: 'playbooks',
    schema,
    keys: ['playbook_id'],
    cursorField: 'updated_at',
  };

  it('encodes SCHEMA with key and bookmark properties', () => {
    expect(encodeSinger(schemaEvent, none)).toEqual({
      type: 'SCHEMA',
      stream: 'playbooks',
      schema,
      key_properties: ['playbook_id'],
      bookmark_properties: ['updated_at'],
    });
    const noCursor = encodeSinger({ ...schemaEvent, cursorField: null }, none);
    expect(noCursor).not.toHaveProperty('bookmark_properties');
  });

  it('drops deselected fields from the SCHEMA properties and required list, without touching the input', () => {
    const message = encodeSinger(schemaEvent, withoutTitle);
    const encoded = message?.schema as typeof schema;
    expect(Object.keys(encoded.properties)).toEqual(['playbook_id', 'body']);
    expect(encoded.required).toEqual(['playbook_id', 'created_at']);
    expect(Object.keys(schema.properties)).toContain('title');
    expect(selectSchema(schema, new Set())).toBe(schema);
  });

  it('encodes RECORD with an RFC 3339 time_extracted, dropping only deselected fields', () => {
    const event: TapEvent = {
      kind: 'record',
      stream: 'playbooks',
      data: { playbook_id: 'p1', title: 'T', body: 'B', extra_field: 1 },
      emittedAt: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
    };
    expect(encodeSinger(event, none)).toEqual({
      type: 'RECORD',
      stream: 'playbooks',
      record: { playbook_id: 'p1', title: 'T', body: 'B', extra_field: 1 },
      time_extracted: '2025-01-02T03:04:05.678Z',
    });
    expect(encodeSinger(event, withoutTitle)?.record).toEqual({
      playbook_id: 'p1',
      body: 'B',
      extra_field: 1,
    });
  });

  it('emits nothing on stdout for status, progress, log and stream errors', () => {
    const quiet: TapEvent[] = [
      { kind: 'status', stream: 'sessions', status: 'started' },
      {
        kind: 'progress',
        stream: 'sessions',
        counters: { records: 1, requests: 1, retries: 0 },
        total: null,
      },
      { kind: 'log', level: 'info', message: 'hello' },
      { kind: 'stream_error', stream: 'secrets', message: 'forbidden', failure: 'config_error' },
    ];
    for (const event of quiet) expect(encodeSinger(event, none)).toBeNull();
  });
});

describe('Singer STATE', () => {
  it('accumulates the latest bookmark of every stream into one STATE value', () => {
    const input: TapState = { playbooks: { v: 1, cursor: 5 } };
    const events: TapEvent[] = [
      { kind: 'state', stream: 'sessions', state: { v: 1, cursor: 10 }, recordCount: 3 },
      { kind: 'record', stream: 'sessions', data: { session_id: 'x' }, emittedAt: 0 },
      { kind: 'state', stream: 'sessions', state: { v: 1, cursor: 20 }, recordCount: 1 },
    ];
    let bookmarks = input;
    const states = events.flatMap((event) => {
      bookmarks = reduceBookmarks(bookmarks, event);
      const message = encodeSinger(event, { bookmarks, deselected: new Map() });
      return message?.type === 'STATE' ? [message] : [];
    });
    expect(states).toEqual([
      {
        type: 'STATE',
        value: { bookmarks: { playbooks: { v: 1, cursor: 5 }, sessions: { v: 1, cursor: 10 } } },
      },
      {
        type: 'STATE',
        value: { bookmarks: { playbooks: { v: 1, cursor: 5 }, sessions: { v: 1, cursor: 20 } } },
      },
    ]);
    expect(input).toEqual({ playbooks: { v: 1, cursor: 5 } });
  });
});

describe('singerLogLine', () => {
  it('turns logs and stream errors into stderr lines and ignores the rest', () => {
    expect(singerLogLine({ kind: 'log', level: 'warn', message: 'slow' })).toBe('WARN slow');
    expect(
      singerLogLine({
        kind: 'stream_error',
        stream: 'secrets',
        message: 'needs ManageOrgSecrets',
        failure: 'config_error',
      }),
    ).toBe('ERROR stream secrets failed (config_error): needs ManageOrgSecrets');
    expect(singerLogLine({ kind: 'status', stream: 'secrets', status: 'complete' })).toBeNull();
  });
});
