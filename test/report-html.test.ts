import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ENGINE, engineSource } from '../src/report/client/engine.js';
import { bucketsFor, granularityFor } from '../src/report/client/period.js';
import { escapeHtml, jsonForScript, renderReport } from '../src/report/html.js';
import type { StreamCount } from '../src/report/load-payload.js';
import { packPayload } from '../src/report/pack.js';
import {
  ACTOR_NONE,
  ACTOR_SERVICE,
  ACTOR_USER,
  type Payload,
  type ViewChoice,
} from '../src/report/payload.js';
import { parseDay } from '../src/report/report-options.js';
import { emptyColumns } from '../src/report/session-payload.js';

const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>"\'&\u2028';
const FAKE_LIBRARY = 'window.Chart = function Chart() {};';
const STREAMS: StreamCount[] = [
  { name: 'sessions', rows: 3, lastSynced: null },
  { name: 'session_messages', rows: null, lastSynced: null },
];
const DAY = 20_100; // 2025-01-12
const ALL: ViewChoice = { period: 'all', from: null, to: null, actor: -1, origin: -1, category: -1 };

/** Three sessions over three days, a member, a service user and nobody; hostile text everywhere. */
function sample(overrides: Partial<Payload> = {}): Payload {
  const sessions = emptyColumns();
  const add = (i: number, url: string | null, actor: number, acus: number, prs: number, merged: number) => {
    sessions.id.push(`id${i}`);
    sessions.url.push(url);
    sessions.title.push(i % 2);
    sessions.day.push(DAY - i);
    sessions.status.push(0);
    sessions.origin.push(i % 2);
    sessions.category.push(0);
    sessions.actor.push(actor);
    sessions.playbook.push(i === 0 ? 0 : -1);
    sessions.acus.push(acus);
    sessions.prs.push(prs);
    sessions.merged.push(merged);
    sessions.open.push(prs - merged);
    sessions.closed.push(0);
    sessions.size.push(0);
    sessions.messages.push(-1);
  };
  add(0, null, 0, 500, 2, 1);
  add(1, 'javascript:alert(3)', 1, 325, 1, 0);
  add(2, null, 2, 400, 1, 0);
  return {
    meta: {
      database: `db ${HOSTILE}.duckdb`,
      engine: 'DuckDB',
      generatedAt: '2025-03-01T12:00:00.000Z',
      since: null,
      until: null,
      price: 2,
      firstDay: DAY - 2,
      lastDay: DAY,
      urlBase: 'https://app.devin.ai/sessions/',
      leftOut: 0,
    },
    notes: { users: null, billing: 'no billing', byUser: 'no billing by user', playbooks: null },
    has: { sessions: true, insights: true, messages: false },
    dims: {
      status: ['exit'],
      origin: ['slack', HOSTILE],
      category: [HOSTILE],
      size: ['xs'],
      title: [HOSTILE, 'Fix it'],
    },
    actors: {
      id: ['github|1', 'svc-1', ''],
      kind: [ACTOR_USER, ACTOR_SERVICE, ACTOR_NONE],
      label: [`Ada ${HOSTILE}`, 'svc-1 (service user)', 'unattributed'],
    },
    playbooks: { id: ['pb-1'], title: [`Hotfix ${HOSTILE}`] },
    sessions,
    billing: null,
    billingByUser: null,
    ...overrides,
  };
}

describe('escaping', () => {
  it('escapeHtml leaves no markup characters', () => {
    expect(escapeHtml(HOSTILE)).not.toMatch(/[<>"']/);
    expect(escapeHtml('a & b')).toBe('a &#38; b');
  });

  it('jsonForScript has no "<" or raw line separators and parses back to the same value', () => {
    const value = { title: HOSTILE, nested: ['<!--', '</SCRIPT>'] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('data inserted into the page can neither close a tag nor start one; only http(s) URLs become links', () => {
    const html = renderReport(sample(), STREAMS, FAKE_LIBRARY);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('alert(1)</script>');
    const markup = html.replace(/<script[^>]*>.*?<\/script>/gs, '');
    expect(markup).not.toContain('javascript:');
    // Data, the summary (application/json), the chart library and the engine: nothing else runs.
    expect(html.match(/<script/g)).toHaveLength(4);
    expect(html.match(/<\/script>/g)).toHaveLength(4);
    expect([...markup.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      'https://app.devin.ai/sessions/id0',
      'https://app.devin.ai/sessions/id2',
    ]);
  });

  it('text shaped like an API key never reaches the page, in the markup or the embedded data', () => {
    const payload = sample();
    payload.dims.title[1] = 'Rotate cog_live.Secret-123 now';
    payload.actors.label[0] = 'cog_abc (echoed)';
    const html = renderReport(payload, STREAMS, FAKE_LIBRARY);
    const embedded = /id="report-data">([^<]*)</.exec(html)?.[1] ?? '';
    const data = gunzipSync(Buffer.from(embedded, 'base64')).toString('utf8');
    for (const text of [html, data]) {
      expect(text).not.toMatch(/cog_/);
      expect(text).toContain('[REDACTED]');
    }
  });

  it('an inlined library containing "</script" cannot end its element', () => {
    const html = renderReport(sample(), STREAMS, 'var s = "</script><b>";');
    expect(html).toContain('var s = "<\\/script><b>";');
  });
});

describe('renderReport', () => {
  it('is one page with the library inlined, a CSP that blocks the network, and nothing loaded from elsewhere', () => {
    const html = renderReport(sample(), STREAMS, FAKE_LIBRARY);
    expect(html).toContain(FAKE_LIBRARY);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    expect(html).not.toMatch(/src\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link|@import|\burl\(/i);
  });

  it('shows the headline figures and the tables without JavaScript', () => {
    const html = renderReport(sample(), STREAMS, FAKE_LIBRARY);
    // 12.25 ACUs at $2: estimated from sessions (no consumption_daily)
    expect(html).toContain('>$24.50<');
    expect(html).toContain('12.3 ACUs, estimated from sessions');
    expect(html).toContain('>$24.50<'); // per merged PR: one merged PR
    expect(html).toContain('>3<');
    expect(html).toContain('1 of 4 pull requests merged');
    expect(html).toContain('Costs at $2.00 per ACU.');
    expect(html).toContain(`Hotfix ${escapeHtml(HOSTILE)}`);
    expect(html).toContain(`<tbody id="sessions-body"><tr data-session="0">`);
    expect(html.match(/<details class="chart-data" open>/g)).toHaveLength(6);
  });

  it('without a price, shows ACUs and says how to add one', () => {
    const html = renderReport(sample({ meta: { ...sample().meta, price: null } }), STREAMS, FAKE_LIBRARY);
    expect(html).toContain('no price per ACU was given');
    expect(html).toContain('<code>devin-tap report --acu-price USD</code>');
    expect(html).toContain('ACUs (estimated from sessions)');
    expect(html).toContain('>12.3<');
    expect(html).not.toMatch(/\$\d/);
  });

  it('renders a database without session data as notes', () => {
    const html = renderReport(
      sample({ has: { sessions: false, insights: false, messages: false }, sessions: emptyColumns() }),
      STREAMS,
      FAKE_LIBRARY,
    );
    expect(html).not.toContain('<canvas');
    expect(html).toContain('neither sessions nor sessions_insights has been synced');
    // Every panel of session data (cost by outcome included) says why it is empty.
    expect(html.match(/class="note"/g)).toHaveLength(10);
  });
});

describe('engine', () => {
  it('runs from its serialized source alone, giving the same figures and HTML as in Node', () => {
    const E = runInNewContext(`${engineSource()}\nE`, {}) as typeof ENGINE;
    const payload = sample();
    for (const choice of [
      ALL,
      { ...ALL, period: '7' as const },
      { ...ALL, origin: 1 },
      { ...ALL, actor: 0 },
    ]) {
      const inNode = ENGINE.computeView(ENGINE, payload, choice);
      const inPage = E.computeView(E, payload, choice);
      expect(JSON.stringify(inPage)).toBe(JSON.stringify(inNode));
      expect(E.renderParts(E, payload, inPage)).toEqual(ENGINE.renderParts(ENGINE, payload, inNode));
      expect(JSON.stringify(E.chartSpecs(inPage))).toBe(JSON.stringify(ENGINE.chartSpecs(inNode)));
    }
  });

  it('filters by user, origin and category, and the period, on every figure', () => {
    const payload = sample();
    const user = ENGINE.computeView(ENGINE, payload, { ...ALL, actor: 0 });
    expect([user.sessions.sessions, user.acus, user.activeUsers]).toEqual([1, 5, 1]);
    const origin = ENGINE.computeView(ENGINE, payload, { ...ALL, origin: 1 });
    expect(origin.matched).toEqual([1]);
    expect(origin.serviceUsers.map((s) => s.label)).toEqual(['svc-1 (service user)']);
    const lastDay = ENGINE.computeView(ENGINE, payload, { ...ALL, period: 'custom', from: DAY, to: DAY });
    expect(lastDay.matched).toEqual([0]);
    expect(lastDay.previous?.acus).toBeCloseTo(3.25, 9);
    expect(lastDay.previous?.change).toBeCloseTo((5 - 3.25) / 3.25, 9);
    expect(ENGINE.computeView(ENGINE, payload, ALL).unattributed).toBeCloseTo(7.25 / 12.25, 9);
  });
});

describe('embedding', () => {
  it('the gzipped, base64 payload in the page unpacks to the payload', () => {
    const payload = sample();
    const html = renderReport(payload, STREAMS, FAKE_LIBRARY);
    const embedded =
      /<script type="application\/gzip;base64" id="report-data">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    expect(embedded).toMatch(/^[A-Za-z0-9+/=]+$/);
    const parsed = JSON.parse(gunzipSync(Buffer.from(embedded, 'base64')).toString('utf8')) as Payload;
    expect(ENGINE.unpackPayload(parsed)).toEqual(payload);
    expect(JSON.stringify(packPayload(payload)).length).toBeLessThan(JSON.stringify(payload).length);
  });
});

describe('granularity', () => {
  it('is days up to 62 days, ISO weeks up to 183, months beyond', () => {
    expect([1, 62, 63, 183, 184, 800].map(granularityFor)).toEqual([
      'day',
      'day',
      'week',
      'week',
      'month',
      'month',
    ]);
  });

  it('buckets cover every day of the period, weeks starting on Monday, months by calendar', () => {
    const wed = 20_103; // 2025-01-15, a Wednesday
    const weeks = bucketsFor(wed, wed + 13, 'week');
    expect(weeks.labels).toEqual(['2025-01-13', '2025-01-20', '2025-01-27']);
    expect(weeks.bucketOf).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2]);
    const months = bucketsFor(wed, wed + 40, 'month');
    expect(months.labels).toEqual(['2025-01', '2025-02']);
    expect(months.bucketOf.filter((b) => b === 0)).toHaveLength(17);
  });
});

describe('parseDay', () => {
  it('accepts real calendar dates only, as UTC midnight', () => {
    expect(parseDay('2025-01-06')).toBe(Date.UTC(2025, 0, 6) / 1000);
    for (const bad of ['2025-02-30', '2025-1-6', '06/01/2025', '2025-01-06T00:00:00Z', ''])
      expect(parseDay(bad)).toBeNull();
  });
});

describe('user text', () => {
  const RLO = 'evil\u202Egnp.exe';
  const HIDDEN = 'ad\u200Bmin';
  const LONG = 'x'.repeat(1024 * 1024);

  it('is isolated, shows reordering and zero-width characters, and is cut with the whole text on hover', () => {
    const base = sample();
    const payload = sample({
      dims: { ...base.dims, title: [RLO, LONG], category: ['\u2067cat\u2069'] },
      actors: { ...base.actors, label: [HIDDEN, 'svc-1 (service user)', 'unattributed'] },
    });
    const E = runInNewContext(`${engineSource()}\nE`, {}) as typeof ENGINE;
    const order = ENGINE.sessionOrder(payload, [0, 1, 2], {
      sort: 'created',
      descending: true,
      query: '',
      page: 0,
    });
    const rows = ENGINE.sessionRows(ENGINE, payload, order, 0, 3);
    expect(E.sessionRows(E, payload, order, 0, 3)).toBe(rows);
    expect(rows).toContain('<bdi>evil[U+202E]gnp.exe</bdi>');
    expect(rows).toContain('<bdi>ad[U+200B]min</bdi>');
    expect(rows).toContain('<bdi>[U+2067]cat[U+2069]</bdi>');
    expect(rows).toContain(`<bdi title="${LONG}">${'x'.repeat(79)}…</bdi>`);
    expect(rows).not.toMatch(/[\u200B\u202E\u2067\u2069]/);
    const html = renderReport(payload, STREAMS, FAKE_LIBRARY);
    // The people table (static render) isolates names too.
    expect(html).toContain('<th scope="row"><bdi>ad[U+200B]min</bdi></th>');
    expect(ENGINE.plainText('\u202Eabc', 80)).toBe('[U+202E]abc');
    expect(ENGINE.plainText('👩‍💻 dev', 80)).toBe('👩‍💻 dev');
  });
});
