/** Cost per merged PR per week, adoption per day/week/month, and the budget from a config file, on fixed data. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTOR_SERVICE, ACTOR_USER, type Payload } from '../src/report/payload.js';
import { resolveBudget } from '../src/report/report-options.js';
import { adoption, periodStart, weeklyCostPerPr } from '../src/report/trends.js';
import { InputError } from '../src/tap/errors.js';
import { suiteTempDir } from './helpers/temp-dir.js';

const day = (text: string) => Date.parse(`${text}T00:00:00Z`) / 86_400_000;
const dir = suiteTempDir('report-trends-');

/** Sessions as (day, actor, merged); billing 10 ACUs a day over `billed` days. */
function payload(
  sessions: [string, number, number][],
  billed: [string, string] | null,
  generatedAt: string,
): Payload {
  const billingDays: number[] = [];
  if (billed !== null) for (let d = day(billed[0]); d <= day(billed[1]); d++) billingDays.push(d);
  const zeros = billingDays.map(() => 0);
  return {
    meta: { generatedAt, price: 2 },
    actors: { id: ['u1', 'u2', 'svc'], kind: [ACTOR_USER, ACTOR_USER, ACTOR_SERVICE], label: ['', '', ''] },
    sessions: {
      day: sessions.map(([d]) => day(d)),
      actor: sessions.map(([, a]) => a),
      merged: sessions.map(([, , m]) => m),
    },
    billing:
      billed === null
        ? null
        : {
            day: billingDays,
            devin: billingDays.map(() => 1000),
            cascade: zeros,
            terminal: zeros,
            review: zeros,
            other: zeros,
          },
  } as unknown as Payload;
}

describe('cost per merged PR per week', () => {
  // Mondays: 2026-11-02, 11-09, 11-16. Sessions from Wed 11-04 to Fri 11-20; billing 11-02 to 11-18.
  const p = payload(
    [
      ['2026-11-04', 0, 1],
      ['2026-11-06', 1, 1],
      ['2026-11-10', 0, 2],
      ['2026-11-12', 2, 3],
      ['2026-11-17', 0, 1],
      ['2026-11-20', 1, 4],
    ],
    ['2026-11-02', '2026-11-18'],
    '2026-11-21T00:00:00Z',
  );

  it('only the days both billing and sessions cover; weeks they cover in part are partial', () => {
    const weeks = weeklyCostPerPr(p);
    expect(weeks.map((w) => w.week)).toEqual([day('2026-11-02'), day('2026-11-09'), day('2026-11-16')]);
    // Week 1: billed 11-04..11-08 only (the joint span starts on the first session): 5 days x 10.
    expect(weeks[0]).toEqual({
      week: day('2026-11-02'),
      billedAcus: 50,
      merged: 2,
      perMergedPr: 25,
      partial: true,
    });
    expect(weeks[1]).toEqual({
      week: day('2026-11-09'),
      billedAcus: 70,
      merged: 5,
      perMergedPr: 14,
      partial: false,
    });
    // Week 3: to 11-18, the last billed day: 3 days; the session of the 20th is outside.
    expect(weeks[2]).toEqual({
      week: day('2026-11-16'),
      billedAcus: 30,
      merged: 1,
      perMergedPr: 30,
      partial: true,
    });
  });

  it('nothing without billing', () => {
    expect(weeklyCostPerPr(payload([['2026-11-04', 0, 1]], null, '2026-11-21T00:00:00Z'))).toEqual([]);
  });
});

describe('adoption', () => {
  const p = payload(
    [
      ['2026-10-30', 0, 0],
      ['2026-11-02', 0, 1],
      ['2026-11-02', 1, 0],
      ['2026-11-03', 2, 2],
      ['2026-11-10', 1, 1],
    ],
    null,
    '2026-11-12T09:00:00Z',
  );

  it('derived from sessions: distinct users (service users not counted), sessions, merged PRs', () => {
    const weeks = adoption(p, 'week', 8, null);
    expect(weeks).toEqual([
      { start: day('2026-11-09'), activeUsers: 1, sessions: 1, merged: 1, partial: true },
      { start: day('2026-11-02'), activeUsers: 2, sessions: 3, merged: 3, partial: false },
      { start: day('2026-10-26'), activeUsers: 1, sessions: 1, merged: 0, partial: true },
    ]);
    const months = adoption(p, 'month', 6, null);
    expect(months.map((m) => [m.activeUsers, m.sessions, m.partial])).toEqual([
      [2, 4, true],
      [1, 1, true],
    ]);
    expect(adoption(p, 'day', 2, null).map((d) => d.start)).toEqual([day('2026-11-10'), day('2026-11-03')]);
  });

  it('from the metrics stream when synced: its active users, with the sessions beside them', () => {
    const metrics = [
      { period: 'week' as const, start: day('2026-11-02'), activeUsers: 7 },
      { period: 'week' as const, start: day('2026-11-09'), activeUsers: 5 },
      { period: 'day' as const, start: day('2026-11-02'), activeUsers: 3 },
    ];
    const weeks = adoption(p, 'week', 2, metrics);
    expect(weeks.map((w) => [w.start, w.activeUsers, w.sessions])).toEqual([
      [day('2026-11-09'), 5, 1],
      [day('2026-11-02'), 7, 3],
    ]);
    expect(periodStart('week', day('2026-11-08'))).toBe(day('2026-11-02'));
    expect(periodStart('month', day('2026-11-08'))).toBe(day('2026-11-01'));
  });
});

describe('budget_usd_monthly', () => {
  it('comes from the config files (a later one wins), --budget-usd wins over it', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify({ budget_usd_monthly: 900, acu_price_usd: 2 }));
    writeFileSync(b, JSON.stringify({ budget_usd_monthly: '1200' }));
    expect(resolveBudget(undefined, [a])).toBe(900);
    expect(resolveBudget(undefined, [a, b])).toBe(1200);
    expect(resolveBudget('50', [a, b])).toBe(50);
    expect(resolveBudget(undefined, [])).toBeNull();
  });

  it('a bad value names the field and the file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ budget_usd_monthly: -3 }));
    expect(() => resolveBudget(undefined, [bad])).toThrow(InputError);
    expect(() => resolveBudget(undefined, [bad])).toThrow(`"budget_usd_monthly" in ${bad}`);
  });
});
