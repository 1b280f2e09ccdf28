/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. Chart.js configs for the view's figures.
 */
import type { Counted, Figures, Series } from './figures.js';

export interface ChartSpec {
  id: string;
  config: Record<string, unknown>;
}

export function seriesColor(name: string, index: number): string {
  const named: Record<string, string> = {
    merged: '#59a14f',
    open: '#4e79a7',
    closed: '#e15759',
    devin: '#4e79a7',
    cascade: '#f28e2b',
    terminal: '#76b7b2',
    review: '#b07aa1',
  };
  const palette = [
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
  if (named[name]) return named[name] ?? '';
  if (['other', 'uncategorized', 'unknown', 'sessions (estimated)'].includes(name)) return '#bab0ac';
  return palette[index % palette.length] ?? '#bab0ac';
}

interface ShortenedAxis {
  getLabelForValue(value: number): string;
  chart: { width: number };
}

export function barConfig(
  labels: readonly string[],
  datasets: { label: string; data: number[]; color: string }[],
  axes: { x: string; y: string },
  stacked: boolean,
  horizontal: boolean,
): Record<string, unknown> {
  const axis = (text: string, value: boolean): Record<string, unknown> => ({
    stacked,
    title: { display: true, text, font: { weight: 'bold' } },
    ...(value
      ? { beginAtZero: true }
      : {
          grid: { display: false },
          // Long names (people, categories) are shortened on the axis, whole in the tooltip: a narrow
          // chart keeps its labels instead of cutting them at the edge.
          ticks: {
            callback(this: ShortenedAxis, tick: number): string {
              const label = String(this.getLabelForValue(tick));
              const max = horizontal && this.chart.width < 500 ? 14 : 24;
              return label.length > max ? `${label.slice(0, max - 1)}…` : label;
            },
          },
        }),
  });
  return {
    type: 'bar',
    data: {
      labels: [...labels],
      datasets: datasets.map((d) => ({
        label: d.label,
        data: d.data.map((v) => Math.round(v * 100) / 100),
        backgroundColor: d.color,
        borderRadius: 3,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      ...(horizontal ? { indexAxis: 'y' } : {}),
      plugins: { legend: { display: datasets.length > 1, position: 'bottom' } },
      scales: { x: axis(axes.x, horizontal), y: axis(axes.y, !horizontal) },
    },
  };
}

function seriesSpec(id: string, s: Series, x: string, y: string): ChartSpec {
  const datasets = s.series
    .filter((d) => d.values.some((v) => v !== 0))
    .map((d, i) => ({ label: d.name, data: d.values, color: seriesColor(d.name, i) }));
  return { id, config: barConfig(s.labels, datasets, { x, y }, true, false) };
}

function countSpec(id: string, rows: readonly Counted[], x: string, color: string): ChartSpec {
  const data = [{ label: 'Sessions', data: rows.map((r) => r.count), color }];
  return {
    id,
    config: barConfig(
      rows.map((r) => r.label),
      data,
      { x, y: 'Sessions' },
      false,
      false,
    ),
  };
}

function billingAxis(f: Figures): string {
  if (f.period.granularity === 'day') return 'Billing day (starts 08:00 UTC)';
  return f.period.granularity === 'week' ? 'Week starting (Monday), by billing day' : 'Month, by billing day';
}

export function chartSpecs(f: Figures): ChartSpec[] {
  const x =
    f.period.granularity === 'day'
      ? 'Day (UTC)'
      : f.period.granularity === 'week'
        ? 'Week starting (Monday, UTC)'
        : 'Month (UTC)';
  const people = f.people.slice(0, 15);
  const weeks = f.weekly;
  const weekly: ChartSpec = {
    id: 'chart-cost-per-pr',
    config: barConfig(
      weeks.map(
        (w) => `${new Date(w.week * 86_400_000).toISOString().slice(0, 10)}${w.partial ? ' (partial)' : ''}`,
      ),
      [
        {
          label: f.price === null ? 'ACUs per merged PR' : 'USD per merged PR',
          data: weeks.map((w) => (w.perMergedPr ?? 0) * (f.price ?? 1)),
          color: '#4e79a7',
        },
      ],
      { x: 'Week starting (Monday, UTC)', y: f.price === null ? 'ACUs per merged PR' : 'USD per merged PR' },
      false,
      false,
    ),
  };
  return [
    weekly,
    seriesSpec('chart-spend', f.spend, f.source === 'estimated' ? x : billingAxis(f), 'ACUs'),
    seriesSpec('chart-acus-by-category', f.acusByCategory, x, 'ACUs'),
    seriesSpec('chart-pr-outcomes', f.prsByState, x, 'Pull requests'),
    countSpec('chart-sessions-by-status', f.status, 'Status', '#4e79a7'),
    countSpec('chart-sessions-by-origin', f.origin, 'Origin (where the session was started)', '#4e79a7'),
    countSpec('chart-session-sizes', f.sizes, 'Session size', '#76b7b2'),
    countSpec('chart-messages-per-session', f.messages, 'Messages in the session', '#b07aa1'),
    {
      id: 'chart-people',
      config: barConfig(
        people.map((p) => p.label),
        [
          {
            label: f.peopleBilled ? 'Billed ACUs' : 'ACUs (sessions)',
            data: people.map((p) => p.acus),
            color: '#f28e2b',
          },
        ],
        { x: 'ACUs', y: 'User' },
        false,
        true,
      ),
    },
  ];
}

export const CHART_FUNCTIONS = [seriesColor, barConfig, seriesSpec, countSpec, billingAxis, chartSpecs];
