/** This month's forecast, on fixed billing days, against hand-computed figures. */
import { describe, expect, it } from 'vitest';
import { monthForecast } from '../src/report/client/forecast.js';
import type { BillingColumns, Payload } from '../src/report/payload.js';

const day = (text: string) => Date.parse(`${text}T00:00:00Z`) / 86_400_000;

/** Billed days (ACUs, in hundredths like the payload), all under `devin`. */
function payload(days: Record<string, number>, generatedAt: string, price: number | null): Payload {
  const entries = Object.entries(days);
  const zeros = entries.map(() => 0);
  const billing: BillingColumns = {
    day: entries.map(([text]) => day(text)),
    devin: entries.map(([, acus]) => acus * 100),
    cascade: zeros,
    terminal: zeros,
    review: zeros,
    other: zeros,
  };
  return { meta: { generatedAt, price }, billing } as unknown as Payload;
}

describe('the month forecast', () => {
  // 2026-11-01 .. 2026-11-10 at 10 ACUs a day, except the 4th (20); the 10th is the report's day.
  const days: Record<string, number> = {};
  for (let d = 1; d <= 10; d++) days[`2026-11-${String(d).padStart(2, '0')}`] = d === 4 ? 20 : 10;
  days['2026-10-31'] = 99; // last month: not this month's spend

  it('month to date, the rate of the last 7 complete days, and the days left at that rate', () => {
    const m = monthForecast(payload(days, '2026-11-10T15:00:00Z', 2), 900);
    // Month to date: 9 days x 10 + 20 (the 4th) = 110 (the 10th, still accruing, included).
    expect(m?.monthToDate).toBe(110);
    // Complete days 3..9: 10 x 6 + 20 = 80 over 7 days.
    expect(m?.dailyRate).toBeCloseTo(80 / 7, 9);
    // The 10th to the 30th at that rate: 21 days; so far without the partial 10th: 100.
    expect(m?.daysLeft).toBe(21);
    expect(m?.forecast).toBeCloseTo(100 + (80 / 7) * 21, 9);
    expect(m?.budgetAcus).toBe(450);
    expect(m?.month).toBe('2026-11');
    expect(m?.basis).toContain('last 7 complete days for the 21 days left');
  });

  it('a last day before the report’s day is complete: it counts as spent', () => {
    const m = monthForecast(payload(days, '2026-11-20T00:00:00Z', null), 900);
    expect(m?.daysLeft).toBe(20);
    // Complete days 4..10: 20 + 6 x 10 = 80.
    expect(m?.forecast).toBeCloseTo(110 + (80 / 7) * 20, 9);
    expect(m?.budgetAcus).toBeNull(); // a budget in dollars needs a price
  });

  it('nothing to forecast without billing', () => {
    expect(
      monthForecast(
        { meta: { generatedAt: '2026-11-10T00:00:00Z', price: 2 }, billing: null } as unknown as Payload,
        null,
      ),
    ).toBeNull();
  });
});
