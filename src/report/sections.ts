/** Pure: the report's chart sections (Chart.js configs and fallback tables) from its data model. */
import type { JsonObject, JsonValue } from '../tap/json.js';
import type { Counted, ReportData, WeeklySeries } from './model.js';

export interface Table {
  headers: string[];
  rows: string[][];
}

export interface Section {
  id: string;
  title: string;
  /** What is plotted, with units. */
  description: string;
  /** Chart height in pixels when the default (300) does not suit, e.g. one bar per user. */
  height?: number;
  /** Spans the whole page width (time series, long labels). */
  wide?: boolean;
  /** Shown in place of the chart when there is nothing to plot. */
  note?: string;
  chart?: JsonObject;
  table?: Table;
}

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
];
const PR_COLORS: Record<string, string> = { merged: '#59a14f', open: '#4e79a7', closed: '#e15759' };
const GREY = '#bab0ac';
/** Catch-all series are grey so the named ones stand out. */
const CATCH_ALL = new Set(['other', 'uncategorized', 'unknown']);
const WEEK_AXIS = 'Week starting (Monday, UTC)';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
export const formatNumber = (value: number): string => number.format(value);

export function buildSections(data: ReportData): Section[] {
  const noSessions = sessionNote(data);
  const guard = (section: Section, empty: boolean, emptyNote: string): Section =>
    noSessions ? { ...section, note: noSessions } : empty ? { ...section, note: emptyNote } : section;
  // Order: wide, pair, wide, pair, wide: the two-column grid never leaves a hole.
  return [
    guard(acusSection(data.acusByWeek), data.acusByWeek.weeks.length === 0, 'No ACUs in this period.'),
    guard(countSection('status', 'Sessions by status', 'Status', data.sessionsByStatus), false, ''),
    guard(
      countSection(
        'origin',
        'Sessions by origin',
        'Origin (where the session was started)',
        data.sessionsByOrigin,
      ),
      false,
      '',
    ),
    guard(
      prSection(data.pullRequestsByWeek),
      data.pullRequestsByWeek.weeks.length === 0,
      'No pull requests in this period.',
    ),
    sizeSection(data, noSessions),
    messagesSection(data, noSessions),
    guard(usersSection(data), false, ''),
  ];
}

/** Shown once above the charts when there are no sessions at all: what is missing and what to do. */
export function reportBanner(data: ReportData): string | null {
  if (data.headline === null) {
    return 'No session data: neither sessions nor sessions_insights has been synced into this database. Run `devin-tap sync` first.';
  }
  return data.headline.sessions === 0 ? sessionNote(data) : null;
}

function sessionNote(data: ReportData): string | null {
  if (data.headline === null) return 'No session data in this database.';
  if (data.headline.sessions === 0) {
    return data.since ? `No sessions created on or after ${data.since}.` : 'The sessions table is empty.';
  }
  return null;
}

function acusSection(weekly: WeeklySeries): Section {
  return {
    id: 'acus-by-week',
    wide: true,
    title: 'ACUs per week, by category',
    description:
      'Agent Compute Units consumed by the sessions created each week, stacked by session category.',
    chart: barChart(
      weekly.weeks,
      weeklyDatasets(weekly, () => undefined),
      WEEK_AXIS,
      'ACUs',
      true,
    ),
    table: weeklyTable(weekly, 'ACUs'),
  };
}

function prSection(weekly: WeeklySeries): Section {
  return {
    id: 'pr-outcomes',
    wide: true,
    title: 'Pull-request outcomes over time',
    description: 'Pull requests opened by the sessions created each week, by their current state (count).',
    chart: barChart(
      weekly.weeks,
      weeklyDatasets(weekly, (name) => PR_COLORS[name] ?? GREY),
      WEEK_AXIS,
      'Pull requests',
      true,
    ),
    table: weeklyTable(weekly, 'pull requests'),
  };
}

function countSection(id: string, title: string, axis: string, rows: readonly Counted[]): Section {
  return {
    id: `sessions-by-${id}`,
    title,
    description: `Number of sessions per ${id}.`,
    chart: barChart(
      rows.map((r) => r.label),
      [
        dataset(
          'Sessions',
          rows.map((r) => r.count),
          PALETTE[0],
        ),
      ],
      axis,
      'Sessions',
      false,
    ),
    table: countTable(axis, 'Sessions', rows),
  };
}

function sizeSection(data: ReportData, noSessions: string | null): Section {
  const rows = data.sessionSizes ?? [];
  const section: Section = {
    id: 'session-sizes',
    title: 'Session size distribution',
    description: 'Number of sessions per size class (xs to xl, from sessions_insights).',
    chart: barChart(
      rows.map((r) => r.label),
      [
        dataset(
          'Sessions',
          rows.map((r) => r.count),
          PALETTE[4],
        ),
      ],
      'Session size',
      'Sessions',
      false,
    ),
    table: countTable('Session size', 'Sessions', rows),
  };
  if (data.sessionSizes === null) {
    return {
      ...section,
      note: 'Session sizes come from the sessions_insights stream, which has not been synced into this database.',
    };
  }
  if (noSessions) return { ...section, note: noSessions };
  return rows.length === 0 ? { ...section, note: 'No sessions with insights in this period.' } : section;
}

function usersSection(data: ReportData): Section {
  const users = data.topUsers;
  const label = (u: (typeof users)[number]): string =>
    u.actorType === 'service_user' ? `${u.actorId} (service user)` : u.actorId;
  return {
    id: 'top-users',
    wide: true,
    height: Math.max(220, 80 + 26 * users.length),
    title: users.length > 1 ? `Top ${users.length} users by ACUs` : 'Top users by ACUs',
    description: 'ACUs consumed per user or service user (sessions without either are "unattributed").',
    chart: barChart(
      users.map(label),
      [
        dataset(
          'ACUs',
          users.map((u) => u.acus),
          PALETTE[1],
        ),
      ],
      'ACUs',
      'User',
      false,
      true,
    ),
    table: {
      headers: ['User', 'Kind', 'Sessions', 'ACUs', 'Merged PRs'],
      rows: users.map((u) => [
        u.actorId,
        u.actorType.replace('_', ' '),
        formatNumber(u.sessions),
        formatNumber(u.acus),
        formatNumber(u.mergedPullRequests),
      ]),
    },
  };
}

function messagesSection(data: ReportData, noSessions: string | null): Section {
  const rows = data.messagesPerSession ?? [];
  const section: Section = {
    id: 'messages-per-session',
    title: 'Messages per session',
    description: 'Sessions by the number of messages synced for them (user and Devin).',
    chart: barChart(
      rows.map((r) => r.label),
      [
        dataset(
          'Sessions',
          rows.map((r) => r.count),
          PALETTE[6],
        ),
      ],
      'Messages in the session',
      'Sessions',
      false,
    ),
    table: countTable('Messages', 'Sessions', rows),
  };
  if (data.messagesPerSession === null) {
    return {
      ...section,
      note: 'session_messages was not synced: it holds conversation text and is opt-in (add it with `devin-tap sync --streams ...,session_messages`).',
    };
  }
  return noSessions ? { ...section, note: noSessions } : section;
}

function weeklyDatasets(weekly: WeeklySeries, color: (name: string) => string | undefined): JsonObject[] {
  return weekly.series.map((s, i) =>
    dataset(s.name, s.values, color(s.name) ?? (CATCH_ALL.has(s.name) ? GREY : PALETTE[i % PALETTE.length])),
  );
}

function dataset(label: string, values: readonly number[], color: string | undefined): JsonObject {
  return {
    label,
    data: values.map((v) => Math.round(v * 100) / 100),
    backgroundColor: color ?? GREY,
    borderRadius: 3,
  };
}

function barChart(
  labels: readonly string[],
  datasets: JsonObject[],
  xTitle: string,
  yTitle: string,
  stacked: boolean,
  horizontal = false,
): JsonObject {
  const axis = (text: string, isValueAxis: boolean): JsonValue => ({
    stacked,
    title: { display: true, text, font: { weight: 'bold' } },
    ...(isValueAxis
      ? { beginAtZero: true, ticks: text === 'ACUs' ? {} : { precision: 0 } }
      : { grid: { display: false } }),
  });
  return {
    type: 'bar',
    data: { labels: [...labels], datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      ...(horizontal ? { indexAxis: 'y' } : {}),
      plugins: { legend: { display: datasets.length > 1, position: 'bottom' } },
      scales: { x: axis(xTitle, horizontal), y: axis(yTitle, !horizontal) },
    },
  };
}

function weeklyTable(weekly: WeeklySeries, unit: string): Table {
  return {
    headers: ['Week starting', ...weekly.series.map((s) => s.name), `Total ${unit}`],
    rows: weekly.weeks.map((week, i) => {
      const values = weekly.series.map((s) => s.values[i] ?? 0);
      return [week, ...values.map(formatNumber), formatNumber(values.reduce((a, b) => a + b, 0))];
    }),
  };
}

function countTable(label: string, unit: string, rows: readonly Counted[]): Table {
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  return {
    headers: [label, unit, 'Share'],
    rows: rows.map((r) => [
      r.label,
      formatNumber(r.count),
      total > 0 ? `${Math.round((r.count / total) * 100)}%` : '–',
    ]),
  };
}
