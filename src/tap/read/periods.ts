import type { PeriodUnit } from '../streams/index.js';

const DAY = 86_400;

/** Start of the UTC period holding `t` (epoch seconds); weeks start on Monday. */
export function periodStart(t: number, unit: PeriodUnit): number {
  const day = Math.floor(t / DAY);
  if (unit === 'day') return day * DAY;
  // 1970-01-01 was a Thursday: three days after a Monday.
  if (unit === 'week') return (day - ((((day + 3) % 7) + 7) % 7)) * DAY;
  const date = new Date(t * 1000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000;
}

/** Start of the period after the one starting at `start`. */
export function nextPeriod(start: number, unit: PeriodUnit): number {
  if (unit === 'day') return start + DAY;
  if (unit === 'week') return start + 7 * DAY;
  const date = new Date(start * 1000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 1000;
}

/**
 * [from, to) as request windows of at most `maxDays` days, oldest first. Aligned to `unit`: every
 * window starts and ends on a period boundary (a period longer than `maxDays` is one window), the
 * first starts at the period holding `from`, the last ends with the period holding `to`.
 */
export function requestWindows(
  from: number,
  to: number,
  maxDays: number,
  unit: PeriodUnit | undefined,
): [number, number][] {
  const span = maxDays * DAY;
  const windows: [number, number][] = [];
  if (unit === undefined) {
    for (let start = from; start < to; start = Math.min(start + span, to))
      windows.push([start, Math.min(start + span, to)]);
    return windows;
  }
  const toStart = periodStart(to, unit);
  const limit = toStart === to ? to : nextPeriod(toStart, unit);
  for (let start = periodStart(from, unit); start < limit; ) {
    const end = Math.min(limit, Math.max(periodStart(start + span, unit), nextPeriod(start, unit)));
    windows.push([start, end]);
    start = end;
  }
  return windows;
}
