import { describe, expect, it } from 'vitest';
import { aboutJson, aboutMarkdown, settingsFromSchema } from '../src/singer/about.js';
import { MetricsTracker } from '../src/singer/metrics.js';
import { parseSingerState } from '../src/singer/state-input.js';
import { CONFIG_SCHEMA } from '../src/tap/config.js';
import { StateError } from '../src/tap/errors.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { thrownBy } from './helpers/errors.js';

function stateError(raw: unknown): string {
  return thrownBy(StateError, () => parseSingerState(raw, 'state.json')).message;
}

describe('parseSingerState', () => {
  const state = (stream: string) => ({
    version: 1,
    stream,
    cursor: 1_735_689_600,
    recent: {},
    checkpoint: null,
  });
  const bookmarks = { sessions: state('sessions'), playbooks: state('playbooks') };

  it('reads bookmarks, bare or wrapped by Meltano, and {} as no state', () => {
    expect(parseSingerState({ bookmarks }, 's')).toEqual(bookmarks);
    expect(parseSingerState({ bookmarks, currently_syncing: null }, 's')).toEqual(bookmarks);
    expect(parseSingerState({ value: { bookmarks } }, 's')).toEqual(bookmarks);
    expect(parseSingerState({ singer_state: { bookmarks } }, 's')).toEqual(bookmarks);
    expect(parseSingerState({ type: 'STATE', value: { bookmarks } }, 's')).toEqual(bookmarks);
    expect(parseSingerState({}, 's')).toEqual({});
  });

  it('rejects anything else, naming the file and what is wrong', () => {
    expect(stateError([])).toBe('state.json: expected a Singer state object {"bookmarks": {...}}');
    expect(stateError({ sessions: { v: 1 } })).toContain('state.json: unexpected key "sessions"');
    expect(stateError({ bookmarks: [] })).toBe('state.json: bookmarks: expected an object keyed by stream');
    expect(stateError({ bookmarks: { nope: {} } })).toContain(
      'state.json: bookmarks: unknown stream "nope"; valid: ',
    );
    expect(stateError({ value: { bookmarks: { sessions: 3 } } })).toBe(
      'state.json: value.bookmarks.sessions: the state of a stream must be an object',
    );
    expect(stateError({ value: 'x' })).toContain('expected {"value": {"bookmarks": {...}}}');
    expect(stateError({ bookmarks: null })).toBe('state.json: bookmarks: expected an object keyed by stream');
    expect(stateError({ bookmarks: { users: { v: 1 } } })).toContain('Invalid state for stream "users"');
  });
});

describe('--about', () => {
  it('derives the settings from CONFIG_SCHEMA: types, required, secret, defaults', () => {
    const settings = settingsFromSchema(CONFIG_SCHEMA);
    const byName = new Map(settings.map((s) => [s.name, s]));
    expect(byName.get('api_token')).toMatchObject({ type: 'string', required: true, secret: true });
    expect(byName.get('org_id')).toMatchObject({ required: false, secret: false });
    expect(byName.get('page_size')).toMatchObject({ type: 'integer', required: false, default: 200 });
    expect(settings.filter((s) => s.secret).map((s) => s.name)).toEqual(['api_token']);
  });

  it('prints JSON in the Meltano SDK shape, with no Airbyte-only keys', () => {
    const about = aboutJson(CONFIG_SCHEMA, '1.2.3');
    expect(about).toMatchObject({ name: 'tap-devin', version: '1.2.3' });
    expect(about.capabilities).toEqual(['catalog', 'discover', 'state', 'about']);
    const settings = about.settings as { properties: Record<string, JsonObject>; required: string[] };
    expect(settings.required).toEqual(['api_token']);
    expect(settings.properties.api_token).toMatchObject({ type: 'string', secret: true, writeOnly: true });
    expect(JSON.stringify(about)).not.toMatch(/airbyte_secret|"order"/);
  });

  it('prints markdown with capabilities and a settings table row per setting', () => {
    const markdown = aboutMarkdown(CONFIG_SCHEMA, '1.2.3');
    expect(markdown).toContain('# `tap-devin`');
    expect(markdown).toContain('* `discover`');
    expect(markdown).toMatch(/\| `api_token` \| string \| yes \| yes \| +\|/);
    expect(markdown).toContain('| `page_size` | integer | no | no | `200` |');
    const rows = markdown.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(Object.keys(CONFIG_SCHEMA.properties as JsonObject).length);
  });
});

describe('MetricsTracker', () => {
  it('reports record counts at STATE cadence and request counts and duration at the end', () => {
    const tracker = new MetricsTracker();
    const record: TapEvent = { kind: 'record', stream: 'sessions', data: {}, emittedAt: 0 };
    const events: [TapEvent, number][] = [
      [{ kind: 'status', stream: 'sessions', status: 'started' }, 1000],
      [record, 1100],
      [record, 1100],
      [
        {
          kind: 'progress',
          stream: 'sessions',
          counters: { records: 2, requests: 1, retries: 0, requestSeconds: 0.25 },
          total: 3,
        },
        1200,
      ],
      [{ kind: 'state', stream: 'sessions', state: {}, recordCount: 2 }, 1300],
      [record, 1400],
      [
        {
          kind: 'progress',
          stream: 'sessions',
          counters: { records: 3, requests: 3, retries: 1, requestSeconds: 1.25 },
          total: 3,
        },
        1500,
      ],
      [{ kind: 'status', stream: 'sessions', status: 'complete' }, 3500],
    ];
    const lines = events.flatMap(([event, now]) => tracker.observe(event, now));
    const metrics = lines.map((line) => {
      expect(line.startsWith('INFO METRIC: ')).toBe(true);
      return JSON.parse(line.slice('INFO METRIC: '.length)) as JsonObject;
    });
    expect(metrics).toEqual([
      {
        type: 'timer',
        metric: 'http_request_duration',
        value: 0.25,
        tags: { endpoint: 'sessions', requests: 1 },
      },
      { type: 'counter', metric: 'record_count', value: 2, tags: { endpoint: 'sessions' } },
      {
        type: 'timer',
        metric: 'http_request_duration',
        value: 0.5,
        tags: { endpoint: 'sessions', requests: 2 },
      },
      { type: 'counter', metric: 'record_count', value: 1, tags: { endpoint: 'sessions' } },
      { type: 'counter', metric: 'http_request_count', value: 3, tags: { endpoint: 'sessions' } },
      {
        type: 'timer',
        metric: 'sync_duration',
        value: 2.5,
        tags: { endpoint: 'sessions', status: 'succeeded' },
      },
    ]);
    expect(tracker.finish()).toEqual([]);
  });
});
