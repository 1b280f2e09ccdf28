/** Pure: Chart.js bar-chart configs and fallback tables, in the report's colours and number format. */
import type { JsonObject, JsonValue } from '../tap/json.js';
import type { Counted, WeeklySeries } from './model.js';

export interface Table {
  headers: string[];
  rows: string[][];
}

export const PALETTE = [
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
export const PR_COLORS: Record<string, string> = { merged: '#59a14f', open: '#4e79a7', closed: '#e15759' };
export const GREY = '#bab0ac';
/** Catch-all series are grey so the named ones stand out. */
const CATCH_ALL = new Set(['other', 'uncategorized', 'unknown']);
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
export const formatNumber = (value: number): string => number.format(value);

export function weeklyDatasets(
  weekly: WeeklySeries,
  color: (name: string) => string | undefined,
): JsonObject[] {
  return weekly.series.map((s, i) =>
    dataset(s.name, s.values, color(s.name) ?? (CATCH_ALL.has(s.name) ? GREY : PALETTE[i % PALETTE.length])),
  );
}

export function dataset(label: string, values: readonly number[], color: string | undefined): JsonObject {
  return {
    label,
    data: values.map((v) => Math.round(v * 100) / 100),
    backgroundColor: color ?? GREY,
    borderRadius: 3,
  };
}

export function barChart(
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

export function weeklyTable(weekly: WeeklySeries, unit: string): Table {
  return {
    headers: ['Week starting', ...weekly.series.map((s) => s.name), `Total ${unit}`],
    rows: weekly.weeks.map((week, i) => {
      const values = weekly.series.map((s) => s.values[i] ?? 0);
      return [week, ...values.map(formatNumber), formatNumber(values.reduce((a, b) => a + b, 0))];
    }),
  };
}

export function countTable(label: string, unit: string, rows: readonly Counted[]): Table {
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
