import { describe, expect, it } from 'vitest';
import { nextPeriod, periodStart, requestWindows } from '../src/tap/read/periods.js';

const DAY = 86_400;
const at = (iso: string) => Date.parse(iso) / 1000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

describe('UTC periods and request windows', () => {
  it('weeks start on Monday, months on the first, days at midnight', () => {
    expect(iso(periodStart(at('2026-12-06T15:00:00Z'), 'week'))).toBe('2026-11-30');
    expect(iso(periodStart(at('2026-11-30T00:00:00Z'), 'week'))).toBe('2026-11-30');
    expect(iso(periodStart(at('2026-03-01T23:59:59Z'), 'week'))).toBe('2026-02-23');
    expect(iso(periodStart(at('2026-12-31T23:59:59Z'), 'month'))).toBe('2026-12-01');
    expect(iso(nextPeriod(at('2026-12-01T00:00:00Z'), 'month'))).toBe('2027-01-01');
    expect(periodStart(at('2026-12-06T15:00:00Z'), 'day')).toBe(at('2026-12-06T00:00:00Z'));
  });

  it('aligned windows cover whole periods, at most maxDays long unless one period is longer', () => {
    const from = at('2026-01-15T10:00:00Z');
    const to = at('2026-04-02T10:00:00Z');
    const months = requestWindows(from, to, 20, 'month').map(([a, b]) => [iso(a), iso(b)]);
    expect(months).toEqual([
      ['2026-01-01', '2026-02-01'],
      ['2026-02-01', '2026-03-01'],
      ['2026-03-01', '2026-04-01'],
      ['2026-04-01', '2026-05-01'],
    ]);
    const weeks = requestWindows(from, to, 30, 'week');
    expect(iso(weeks[0]?.[0] ?? 0)).toBe('2026-01-12');
    for (const [a, b] of weeks) {
      expect(new Date(a * 1000).getUTCDay()).toBe(1);
      expect(b - a).toBeLessThanOrEqual(30 * DAY);
      expect((b - a) % (7 * DAY)).toBe(0);
    }
    expect(weeks.at(-1)?.[1]).toBeGreaterThan(to);
    const days = requestWindows(from, to, 1, 'day');
    expect(days.length).toBe(78);
    expect(days.every(([a, b]) => b - a === DAY && a % DAY === 0)).toBe(true);
  });

  it('unaligned windows start at from and end at to', () => {
    expect(requestWindows(100, 100 + 45 * DAY, 30, undefined)).toEqual([
      [100, 100 + 30 * DAY],
      [100 + 30 * DAY, 100 + 45 * DAY],
    ]);
  });
});
