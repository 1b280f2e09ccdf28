/**
 * Pure functions that also run in the page: the report serializes them with Function.prototype.toString,
 * so each may use only its arguments, globals and the other functions of this file.
 */
import type { PayloadMeta, ViewChoice } from '../payload.js';

export type Granularity = 'day' | 'week' | 'month';

export interface Period {
  /** Inclusive days; null when there is no data at all. */
  start: number | null;
  end: number | null;
  granularity: Granularity;
  /** Bucket labels ('YYYY-MM-DD' for days and ISO weeks (Monday), 'YYYY-MM' for months). */
  labels: string[];
  /** Bucket index of day `start + i`. */
  bucketOf: number[];
  /** The previous period of the same length, or null when it starts before the embedded data. */
  previous: { start: number; end: number } | null;
  text: string;
}

export function dayText(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function textDay(text: string): number | null {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? null : Math.floor(ms / 86_400_000);
}

/** Days up to about two months, ISO weeks up to about half a year, calendar months beyond. */
export function granularityFor(days: number): Granularity {
  if (days <= 62) return 'day';
  return days <= 183 ? 'week' : 'month';
}

function bucketLabel(day: number, granularity: Granularity): string {
  if (granularity === 'day') return dayText(day);
  if (granularity === 'week') return dayText(day - ((new Date(day * 86_400_000).getUTCDay() + 6) % 7));
  return dayText(day).slice(0, 7);
}

export function bucketsFor(
  start: number,
  end: number,
  granularity: Granularity,
): { labels: string[]; bucketOf: number[] } {
  const labels: string[] = [];
  const bucketOf: number[] = [];
  for (let day = start; day <= end; day++) {
    const label = bucketLabel(day, granularity);
    if (labels[labels.length - 1] !== label) labels.push(label);
    bucketOf.push(labels.length - 1);
  }
  return { labels, bucketOf };
}

/** The days a choice covers, ending on the last day with data for the presets. */
export function periodRange(meta: PayloadMeta, choice: ViewChoice): [number, number] | null {
  if (meta.firstDay === null || meta.lastDay === null) return null;
  if (choice.period === 'all') return [meta.firstDay, meta.lastDay];
  if (choice.period === 'custom') {
    const from = choice.from ?? meta.firstDay;
    const to = choice.to ?? meta.lastDay;
    return from <= to ? [from, to] : [to, from];
  }
  if (choice.period === 'mtd') {
    const monthStart = textDay(`${dayText(meta.lastDay).slice(0, 7)}-01`) ?? meta.lastDay;
    return [Math.max(monthStart, meta.firstDay), meta.lastDay];
  }
  return [meta.lastDay - Number(choice.period) + 1, meta.lastDay];
}

export function resolvePeriod(meta: PayloadMeta, choice: ViewChoice): Period {
  const range = periodRange(meta, choice);
  if (range === null) {
    return {
      start: null,
      end: null,
      granularity: 'day',
      labels: [],
      bucketOf: [],
      previous: null,
      text: 'no data',
    };
  }
  const [start, end] = range;
  const length = end - start + 1;
  const granularity = granularityFor(length);
  const coverage = meta.since === null ? meta.firstDay : textDay(meta.since);
  const previous =
    coverage !== null && start - length >= coverage ? { start: start - length, end: start - 1 } : null;
  const buckets = bucketsFor(start, end, granularity);
  const today = textDay(meta.generatedAt.slice(0, 10));
  return {
    start,
    end,
    granularity,
    labels: markPartial(buckets.labels, start, end, granularity, today),
    bucketOf: buckets.bucketOf,
    previous,
    text: `${dayText(start)} to ${dayText(end)}`,
  };
}

/**
 * Labels of buckets the period holds only part of (a week or month cut by the period's start or
 * end, a day still accruing on the day of the report) end in " (partial)": never read as complete.
 */
export function markPartial(
  labels: string[],
  start: number,
  end: number,
  granularity: Granularity,
  today: number | null,
): string[] {
  const cut = (day: number, edge: 'first' | 'last'): boolean => {
    if (granularity === 'day') return edge === 'last' && today !== null && day >= today;
    const neighbour = edge === 'first' ? day - 1 : day + 1;
    return bucketLabel(neighbour, granularity) === bucketLabel(day, granularity);
  };
  const marked = [...labels];
  const mark = (index: number) => {
    if (marked[index] !== undefined && !marked[index]?.endsWith(' (partial)')) marked[index] += ' (partial)';
  };
  if (cut(start, 'first')) mark(0);
  if (cut(end, 'last') || (today !== null && end >= today)) mark(marked.length - 1);
  return marked;
}

export const PERIOD_FUNCTIONS = [
  dayText,
  textDay,
  granularityFor,
  bucketLabel,
  bucketsFor,
  markPartial,
  periodRange,
  resolvePeriod,
];
