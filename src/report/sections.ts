/** Pure: the report's chart sections (Chart.js configs and fallback tables) from its data model. */
import type { JsonObject } from '../tap/json.js';
import {
  barChart,
  countTable,
  dataset,
  formatNumber,
  GREY,
  PALETTE,
  PR_COLORS,
  type Table,
  weeklyDatasets,
  weeklyTable,
} from './charts.js';
import type { Counted, ReportData, WeeklySeries } from './model.js';

export { formatNumber, type Table } from './charts.js';

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

const WEEK_AXIS = 'Week starting (Monday, UTC)';

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
