import type { Figures } from './client/figures.js';
import { dayText } from './client/period.js';
import type { StreamCount } from './load-payload.js';

/**
 * The default view in machine-readable form, embedded in the page as
 * `<script type="application/json" id="devin-tap-summary">`. Field names are a contract.
 */
export interface ReportSummary {
  window: { start: string; end: string } | null;
  /** Billed ACUs of the window; null when the cost is estimated from sessions (no billing synced). */
  billed_acus: number | null;
  billed_cost_usd: number | null;
  merged_prs: number;
  cost_per_merged_pr_usd: number | null;
  /** The days the per-PR and per-user figures cover: the window's days both billing and sessions have. */
  ratio_window: { start: string; end: string } | null;
  active_users: number;
  sessions: number;
  last_synced: Record<string, string | null>;
  /** This month's forecast, its basis, and the budget it is held against. */
  forecast: {
    month: string;
    month_to_date_acus: number;
    daily_rate_acus: number;
    forecast_acus: number;
    forecast_usd: number | null;
    budget_usd: number | null;
    basis: string;
  } | null;
  /** The enterprise's current billing cycle against its ACU limit (cycle_budget); null without one. */
  cycle: {
    start: string;
    end: string;
    spent_acus: number;
    limit_acus: number | null;
    projected_acus: number | null;
    spent_usd: number | null;
    projected_usd: number | null;
    basis: string;
  } | null;
}

const cents = (value: number | null): number | null =>
  value === null ? null : Math.round(value * 100) / 100;

export function reportSummary(f: Figures, streams: readonly StreamCount[]): ReportSummary {
  const { start, end } = f.period;
  const billed = f.source === 'estimated' ? null : f.acus;
  const window = f.ratioWindow;
  return {
    window: start === null || end === null ? null : { start: dayText(start), end: dayText(end) },
    billed_acus: cents(billed),
    billed_cost_usd: billed === null || f.price === null ? null : cents(billed * f.price),
    merged_prs: f.sessions.merged,
    cost_per_merged_pr_usd:
      f.price === null || f.perMergedPr === null ? null : cents(f.perMergedPr * f.price),
    ratio_window: window === null ? null : { start: dayText(window.start), end: dayText(window.end) },
    active_users: f.activeUsers,
    sessions: f.sessions.sessions,
    last_synced: Object.fromEntries(streams.map((stream) => [stream.name, stream.lastSynced])),
    forecast: forecastSummary(f),
    cycle: cycleSummary(f),
  };
}

function cycleSummary(f: Figures): ReportSummary['cycle'] {
  const c = f.cycle;
  if (c === null) return null;
  const usd = (acus: number | null) => (acus === null || f.price === null ? null : cents(acus * f.price));
  return {
    start: dayText(c.startDay),
    end: dayText(c.lastDay),
    spent_acus: cents(c.acus) ?? 0,
    limit_acus: c.limit,
    projected_acus: cents(c.projected),
    spent_usd: usd(c.acus),
    projected_usd: usd(c.projected),
    basis: `billed ACUs (consumption_daily) from ${dayText(c.startDay)}, ${c.elapsedDays} of ${c.cycleDays} days; projected at the cycle's average daily rate so far`,
  };
}

function forecastSummary(f: Figures): ReportSummary['forecast'] {
  const m = f.forecast;
  if (m === null) return null;
  return {
    month: m.month,
    month_to_date_acus: cents(m.monthToDate) ?? 0,
    daily_rate_acus: cents(m.dailyRate) ?? 0,
    forecast_acus: cents(m.forecast) ?? 0,
    forecast_usd: f.price === null ? null : cents(m.forecast * f.price),
    budget_usd: m.budgetAcus === null || f.price === null ? null : cents(m.budgetAcus * f.price),
    basis: m.basis,
  };
}
