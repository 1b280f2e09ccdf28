import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/tap/config.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { readStreams } from '../src/tap/read/read.js';
import type { StreamDef } from '../src/tap/streams/index.js';
import { type LocalServer, startLocalServer } from './helpers/local-server.js';
import { finalState, recordsOf, statusesOf } from './tap-read-helpers.js';

/**
 * The three new shapes, each a stream that exists nowhere but here: declaring it is all it takes.
 * widgets: limit/offset paging in the v3 envelope; parts: a bare array per widget (a child);
 * gauges: one aggregate per UTC day; levels: two endpoints, each answering a window as an array.
 */
const schema = { type: 'object', properties: {} };
const widgets: StreamDef = {
  name: 'widgets',
  path: '/v3/organizations/{org_id}/widgets',
  primaryKey: ['widget_id'],
  cursorField: 'updated_at',
  permission: 'ViewWidgets',
  paging: { kind: 'offset', limitParam: 'count', offsetParam: 'skip', maxLimit: 3 },
  isoTimestamps: ['updated_at'],
  selectedByDefault: true,
  schema,
};
const parts: StreamDef = {
  name: 'parts',
  path: '/v3/organizations/{org_id}/widgets/{widget}/parts',
  primaryKey: ['widget_id', 'part'],
  cursorField: null,
  permission: 'ViewWidgets',
  paging: { kind: 'array' },
  parent: { stream: 'widgets', bind: { widget: 'widget_id' }, copy: ['widget_id'], reread: 'changed' },
  selectedByDefault: true,
  schema,
};
const history = { days: 'metricsHistoryDays', startDate: 'when_later' } as const;
const gauges: StreamDef = {
  name: 'gauges',
  path: '/v3/organizations/{org_id}/gauges',
  primaryKey: ['day'],
  cursorField: 'day',
  permission: 'ViewGauges',
  paging: {
    kind: 'window',
    answer: { kind: 'aggregate', dateField: 'day' },
    afterParam: 'from',
    beforeParam: 'to',
    maxDaysPerRequest: 1,
    align: 'day',
    trailingDays: 2,
    history,
  },
  selectedByDefault: true,
  schema,
};
const levels: StreamDef = {
  name: 'levels',
  path: '/v3/organizations/{org_id}/levels/{unit}',
  primaryKey: ['unit', 'start'],
  cursorField: 'start',
  permission: 'ViewGauges',
  paging: {
    kind: 'window',
    answer: { kind: 'array' },
    afterParam: 'from',
    beforeParam: 'to',
    maxDaysPerRequest: 10,
    trailingDays: 2,
    history,
    parts: [
      { vars: { unit: 'daily' }, fields: { unit: 'day' }, align: 'day' },
      { vars: { unit: 'weekly' }, fields: { unit: 'week' }, align: 'week' },
    ],
  },
  selectedByDefault: true,
  schema,
};
const DEFS = [widgets, parts, gauges, levels];
const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 1) / 1000;
const WIDGETS = Array.from({ length: 8 }, (_, i) => ({
  widget_id: `w${i}`,
  updated_at: new Date((T0 + i) * 1000).toISOString(),
}));
const partsOf = (id: string) =>
  Array.from({ length: Number(id.slice(1)) % 3 }, (_, i) => ({ part: `${id}.${i}` }));

function answer(url: URL): unknown {
  const q = (name: string) => Number(url.searchParams.get(name));
  if (url.pathname.endsWith('/widgets')) {
    const items = WIDGETS.slice(q('skip'), q('skip') + q('count'));
    return { items, end_cursor: null, has_next_page: q('skip') + q('count') < WIDGETS.length, total: null };
  }
  const widget = /\/widgets\/(\w+)\/parts$/.exec(url.pathname)?.[1];
  if (widget) return partsOf(widget);
  if (url.pathname.endsWith('/gauges')) return { value: q('from') / DAY, day: 'ignored' };
  const step = url.pathname.endsWith('/daily') ? DAY : 7 * DAY;
  const rows = [];
  for (let start = q('from'); start < q('to'); start += step) rows.push({ start, level: start % 97 });
  return rows;
}

describe('a stream per new shape, declared only as data', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(url)));
    });
  });
  afterAll(() => server.close());

  const read = async (state?: ReturnType<typeof finalState>): Promise<TapEvent[]> => {
    const config = parseConfig(
      { api_token: 'cog_toy', org_id: 'org-toy', base_url: server.url, metrics_history_days: 20 },
      {},
    );
    const events: TapEvent[] = [];
    const streams = DEFS.map((def) => ({ name: def.name, syncMode: 'incremental' as const }));
    for await (const event of readStreams({
      config,
      streams,
      definitions: DEFS,
      ...(state ? { state } : {}),
    }))
      events.push(event);
    return events;
  };
  const paths = () => server.seen.map((req) => new URL(req.url ?? '/', 'http://x'));

  it('offset pages, a bare array per parent, a day per request and whole windows per endpoint', async () => {
    server.seen.length = 0;
    const events = await read();
    for (const def of DEFS)
      expect(statusesOf(events, def.name), def.name).toEqual(['started', 'running', 'complete']);
    expect(recordsOf(events, 'widgets')).toEqual(WIDGETS.map((w, i) => ({ ...w, updated_at: T0 + i })));
    const offsets = paths().filter((url) => url.pathname.endsWith('/widgets'));
    expect(offsets.map((url) => [url.searchParams.get('count'), url.searchParams.get('skip')])).toEqual([
      ['3', '0'],
      ['3', '3'],
      ['3', '6'],
    ]);
    const expectedParts = WIDGETS.flatMap((w) =>
      partsOf(w.widget_id).map((p) => ({ ...p, widget_id: w.widget_id })),
    );
    expect(recordsOf(events, 'parts').sort((a, b) => String(a.part).localeCompare(String(b.part)))).toEqual(
      expectedParts,
    );
    const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
    const gaugeDays = recordsOf(events, 'gauges').map((row) => row.day);
    expect(gaugeDays).toEqual(Array.from({ length: 21 }, (_, i) => today - (20 - i) * DAY));
    for (const row of recordsOf(events, 'gauges')) expect(row.value).toBe(Number(row.day) / DAY);
    const levelsRows = recordsOf(events, 'levels');
    expect(levelsRows.filter((row) => row.unit === 'day').length).toBe(21);
    const weekStarts = levelsRows.filter((row) => row.unit === 'week').map((row) => Number(row.start));
    for (const start of weekStarts) expect(new Date(start * 1000).getUTCDay()).toBe(1);
    expect(weekStarts.at(-1)).toBeGreaterThan(today - 7 * DAY);

    WIDGETS[2] = { widget_id: 'w2', updated_at: new Date((T0 + 100) * 1000).toISOString() };
    server.seen.length = 0;
    const second = await read(finalState(events));
    expect(recordsOf(second, 'widgets')).toEqual([{ widget_id: 'w2', updated_at: T0 + 100 }]);
    expect(recordsOf(second, 'parts')).toEqual(partsOf('w2').map((p) => ({ ...p, widget_id: 'w2' })));
    expect(recordsOf(second, 'gauges').map((row) => row.day)).toEqual(
      [0, 1, 2].map((n) => today - (2 - n) * DAY),
    );
    const dailyLevels = paths().filter((url) => url.pathname.endsWith('/daily'));
    expect(dailyLevels.map((url) => Number(url.searchParams.get('from')))).toEqual([today - 2 * DAY]);
  });

  it('a checkpoint inside a multi-endpoint window read resumes at that endpoint and window', async () => {
    const events = await read();
    const checkpoints = events.flatMap((event) =>
      event.kind === 'state' && event.stream === 'levels' ? [event.state as JsonObject] : [],
    );
    const weekly = checkpoints.find((state) =>
      String((state.checkpoint as JsonObject | null)?.after).startsWith('1:'),
    );
    expect(weekly).toBeDefined();
    server.seen.length = 0;
    const resumed = await read({ levels: weekly ?? {} });
    expect(paths().filter((url) => url.pathname.includes('/levels/daily'))).toEqual([]);
    expect(recordsOf(resumed, 'levels').every((row) => row.unit === 'week')).toBe(true);
  });
});
