import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, renderReport } from '../src/report/html.js';
import { type Headline, parseSince, type ReportData, weeklySeries, weekRange } from '../src/report/model.js';
import { buildSections } from '../src/report/sections.js';

const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>"\'&\u2028';
const FAKE_LIBRARY = 'window.Chart = function Chart() {};';

function sample(overrides: Partial<ReportData> = {}): ReportData {
  return {
    database: `db ${HOSTILE}.duckdb`,
    dialect: 'duckdb',
    generatedAt: '2025-03-01T12:00:00.000Z',
    since: null,
    streams: [
      { name: 'sessions', rows: 3 },
      { name: 'session_messages', rows: null },
    ],
    headline: {
      sessions: 3,
      acus: 12.25,
      pullRequests: 4,
      mergedPullRequests: 1,
      mergeRate: 0.25,
      medianAcus: 4,
      firstDay: '2025-01-06',
      lastDay: '2025-01-20',
    },
    acusByWeek: weeklySeries([
      { week: '2025-01-06', key: HOSTILE, value: 5 },
      { week: '2025-01-20', key: 'bug_fixing', value: 7.25 },
    ]),
    sessionsByStatus: [
      { label: 'exit', count: 2 },
      { label: HOSTILE, count: 1 },
    ],
    sessionsByOrigin: [{ label: 'slack', count: 3 }],
    pullRequestsByWeek: weeklySeries([{ week: '2025-01-06', key: 'merged', value: 1 }]),
    sessionSizes: [{ label: 'xs', count: 3 }],
    topUsers: [
      { actorType: 'user', actorId: `github|1${HOSTILE}`, sessions: 3, acus: 12.25, mergedPullRequests: 1 },
    ],
    messagesPerSession: null,
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

  it('data inserted into the page can neither close a tag nor start one', () => {
    const html = renderReport(sample(), FAKE_LIBRARY);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('alert(1)</script>');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('an inlined library containing "</script" cannot end its element', () => {
    const html = renderReport(sample(), 'var s = "</script><b>";');
    expect(html).toContain('var s = "<\\/script><b>";');
  });
});

describe('renderReport', () => {
  it('is one page with the library inlined, a CSP that blocks the network, and no external resources', () => {
    const html = renderReport(sample(), FAKE_LIBRARY);
    expect(html).toContain(FAKE_LIBRARY);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link|@import|url\(/i);
  });

  it('shows the headline figures', () => {
    const html = renderReport(sample(), FAKE_LIBRARY);
    for (const figure of ['>3<', '>12.3<', '>25%<', '1 of 4 pull requests merged', '>4<'])
      expect(html).toContain(figure);
  });

  it('has one canvas per chart, each with its config, and notes in place of charts without data', () => {
    const html = renderReport(sample(), FAKE_LIBRARY);
    const canvases = [...html.matchAll(/<canvas id="(chart-[\w-]+)"/g)].map((m) => m[1]);
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '[]';
    const specs = JSON.parse(json) as { id: string }[];
    expect(specs.map((s) => s.id)).toEqual(canvases);
    expect(canvases).toHaveLength(6);
    expect(html).toContain('session_messages was not synced');
    expect(html.match(/<details>/g)).toHaveLength(6);
  });

  it('renders a database without session data as notes only', () => {
    const html = renderReport(
      sample({
        headline: null,
        acusByWeek: { weeks: [], series: [] },
        sessionsByStatus: [],
        sessionsByOrigin: [],
        pullRequestsByWeek: { weeks: [], series: [] },
        sessionSizes: null,
        topUsers: [],
      }),
      FAKE_LIBRARY,
    );
    expect(html).not.toContain('<canvas');
    expect(html).toContain('neither sessions nor sessions_insights has been synced');
    expect(html.match(/class="note"/g)).toHaveLength(7);
  });
});

describe('sections', () => {
  it('give every chart a title, a description, both axis titles and a fallback table with its numbers', () => {
    for (const section of buildSections(sample())) {
      expect(section.title.length).toBeGreaterThan(5);
      expect(section.description.length).toBeGreaterThan(10);
      if (section.note) continue;
      const options = section.chart?.options as
        | { scales: Record<string, { title: { text: string } }> }
        | undefined;
      const scales = options?.scales ?? {};
      expect(scales.x?.title.text).toBeTruthy();
      expect(scales.y?.title.text).toBeTruthy();
      expect(section.table?.rows.length).toBeGreaterThan(0);
    }
  });

  it('say why a chart is missing: empty period, not synced, opt-in stream', () => {
    const sections = buildSections(
      sample({ since: '2030-01-01', headline: { ...(sample().headline as Headline), sessions: 0 } }),
    );
    expect(sections.find((s) => s.id === 'acus-by-week')?.note).toBe(
      'No sessions created on or after 2030-01-01.',
    );
    const noSizes = buildSections(sample({ sessionSizes: null })).find((s) => s.id === 'session-sizes');
    expect(noSizes?.note).toMatch(/sessions_insights stream, which has not been synced/);
  });
});

describe('weekly series', () => {
  it('fills empty weeks with zeros and keeps the weeks contiguous', () => {
    const series = weeklySeries([
      { week: '2024-12-30', key: 'a', value: 1 },
      { week: '2025-01-20', key: 'a', value: 2 },
      { week: '2025-01-20', key: 'b', value: 4 },
    ]);
    expect(series.weeks).toEqual(['2024-12-30', '2025-01-06', '2025-01-13', '2025-01-20']);
    expect(series.series).toEqual([
      { name: 'b', values: [0, 0, 0, 4] },
      { name: 'a', values: [1, 0, 0, 2] },
    ]);
  });

  it('folds the smallest series into "other" beyond the limit, keeping every total', () => {
    const points = ['a', 'b', 'c', 'd'].map((key, i) => ({ week: '2025-01-06', key, value: 10 - i }));
    const series = weeklySeries(points, 3);
    expect(series.series.map((s) => [s.name, s.values[0]])).toEqual([
      ['a', 10],
      ['b', 9],
      ['other', 15],
    ]);
  });

  it('does not fill a span of more than ten years', () => {
    expect(weekRange(['1970-01-05', '2025-01-06'])).toEqual(['1970-01-05', '2025-01-06']);
    expect(weekRange([])).toEqual([]);
  });
});

describe('parseSince', () => {
  it('accepts real calendar dates only, as UTC midnight', () => {
    expect(parseSince('2025-01-06')).toBe(Date.UTC(2025, 0, 6) / 1000);
    for (const bad of ['2025-02-30', '2025-1-6', '06/01/2025', '2025-01-06T00:00', '', 'yesterday']) {
      expect(parseSince(bad)).toBeNull();
    }
  });
});
