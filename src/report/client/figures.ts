/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals, the
 * functions of this file, and the engine `E` passed in (the other client files' functions).
 */
import type { CycleCard, Payload, ViewChoice } from '../payload.js';
import type { counted, outcomeRows, playbookRows, sizeRows, spendSeries } from './figure-rows.js';
import type { MonthForecast, monthForecast } from './forecast.js';
import type { PeopleFigures, PersonRow, peopleFigures } from './people.js';
import type { dayText, Period, resolvePeriod } from './period.js';
import type { BillingScan, billedAcus, CostSource, scanBilling } from './scan-billing.js';
import type { SessionScan, scanSessions, sessionAcus, Tally } from './scan-sessions.js';
import type { WeekCost, weeklyCostPerPr } from './weekly.js';

export interface Counted {
  label: string;
  count: number;
}

export interface Series {
  labels: string[];
  series: { name: string; values: number[] }[];
}

export interface PlaybookRow {
  playbook: number;
  title: string;
  sessions: number;
  acus: number;
  merged: number;
  prs: number;
  mergeRate: number | null;
}

export interface Figures {
  period: Period;
  price: number | null;
  source: CostSource;
  /** ACUs the cost is computed from (billed, or from sessions when estimated). */
  acus: number;
  cost: number | null;
  sessions: Tally;
  mergeRate: number | null;
  activeUsers: number;
  perMergedPr: number | null;
  perActiveUser: number | null;
  /**
   * The days the two ratios above are computed over: the period's days that both the cost's source
   * (billing) and the sessions cover, so that neither side counts days the other has no data for.
   * Null when they share no day.
   */
  ratioWindow: { start: number; end: number; text: string; merged: number; activeUsers: number } | null;
  /** ACUs in the previous period of equal length (same source), and the relative change. */
  previous: { acus: number; text: string; change: number | null } | null;
  spend: Series;
  acusByCategory: Series;
  prsByState: Series;
  status: Counted[];
  origin: Counted[];
  sizes: Counted[];
  withInsights: number;
  messages: Counted[];
  peopleBilled: boolean;
  /** The 500 users with the most ACUs, and how many users there are. */
  people: PersonRow[];
  peopleCount: number;
  serviceUsers: PersonRow[];
  serviceUserCount: number;
  /** Share of the period's ACUs no user accounts for; null under a user filter or without ACUs. */
  unattributed: number | null;
  playbooks: PlaybookRow[];
  noPlaybookSessions: number;
  matched: number[];
  /** Sessions and the ACUs they report by outcome (OUTCOMES), with each one's share of those ACUs. */
  outcomes: { label: string; sessions: number; acus: number; share: number | null }[];
  /** This month's spend so far and where it is heading (billing data only; whatever the view). */
  forecast: MonthForecast | null;
  /** The enterprise's current billing cycle against its limit (cycle_budget), whatever the view. */
  cycle: CycleCard | null;
  /** Cost per merged PR per ISO week over the whole file (billing and sessions both), whatever the view. */
  weekly: WeekCost[];
}

export interface Engine {
  resolvePeriod: typeof resolvePeriod;
  dayText: typeof dayText;
  scanSessions: typeof scanSessions;
  sessionAcus: typeof sessionAcus;
  scanBilling: typeof scanBilling;
  billedAcus: typeof billedAcus;
  peopleFigures: typeof peopleFigures;
  monthForecast: typeof monthForecast;
  spendSeries: typeof spendSeries;
  counted: typeof counted;
  sizeRows: typeof sizeRows;
  playbookRows: typeof playbookRows;
  outcomeRows: typeof outcomeRows;
  weeklyCostPerPr: typeof weeklyCostPerPr;
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** First and last day of a list of days (null when empty). */
export function daySpan(days: readonly number[] | undefined): [number, number] | null {
  if (days === undefined || days.length === 0) return null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const day of days) {
    if (day < first) first = day;
    if (day > last) last = day;
  }
  return [first, last];
}

/** The days both the cost's source and the sessions cover, inside [start, end]; null when none. */
export function jointRange(
  payload: Payload,
  source: CostSource,
  start: number,
  end: number,
): [number, number] | null {
  const spans = [daySpan(payload.sessions.day)];
  if (source === 'billed') spans.push(daySpan(payload.billing?.day));
  if (source === 'user') spans.push(daySpan(payload.billingByUser?.day));
  let [from, to] = [start, end];
  for (const span of spans) {
    if (span === null) return null;
    from = Math.max(from, span[0]);
    to = Math.min(to, span[1]);
  }
  return from <= to ? [from, to] : null;
}

export function computeView(E: Engine, payload: Payload, choice: ViewChoice): Figures {
  const period = E.resolvePeriod(payload.meta, choice);
  const scan = E.scanSessions(payload, choice, period);
  const billing = E.scanBilling(payload, choice, period);
  const people = E.peopleFigures(payload, choice, scan, billing);
  const prev = period.previous;
  const prevCovered = prev !== null && jointRange(payload, billing.source, prev.start, prev.start) !== null;
  const previousAcus =
    prev === null || !prevCovered
      ? null
      : (E.billedAcus(payload, choice, prev.start, prev.end) ??
          E.sessionAcus(payload, choice, prev.start, prev.end)) / 100;
  const previousText = prev === null ? '' : `${E.dayText(prev.start)} to ${E.dayText(prev.end)}`;
  const figures = buildFigures(E, payload, period, scan, billing, people, previousAcus, previousText);
  const forecast = E.monthForecast(payload, payload.meta.budgetUsd ?? null);
  return withRatioWindow(E, payload, choice, {
    ...figures,
    forecast,
    cycle: payload.meta.cycle ?? null,
    weekly: E.weeklyCostPerPr(payload),
  });
}

/** Cost per merged PR and per active user over the days both sides cover (see Figures.ratioWindow). */
export function withRatioWindow(E: Engine, payload: Payload, choice: ViewChoice, f: Figures): Figures {
  const { start, end } = f.period;
  const joint = start === null || end === null ? null : jointRange(payload, f.source, start, end);
  if (joint === null) return { ...f, perMergedPr: null, perActiveUser: null, ratioWindow: null };
  const text = `${E.dayText(joint[0])} to ${E.dayText(joint[1])}`;
  if (joint[0] === start && joint[1] === end) {
    const window = { start, end, text, merged: f.sessions.merged, activeUsers: f.activeUsers };
    return { ...f, ratioWindow: window };
  }
  const period = E.resolvePeriod(payload.meta, { ...choice, period: 'custom', from: joint[0], to: joint[1] });
  const scan = E.scanSessions(payload, choice, period);
  const billing = E.scanBilling(payload, choice, period);
  const people = E.peopleFigures(payload, choice, scan, billing);
  const acus = (billing.source === 'estimated' ? scan.total.acus : billing.total) / 100;
  return {
    ...f,
    perMergedPr: ratio(acus, scan.total.merged),
    perActiveUser: ratio(acus, people.activeUsers),
    ratioWindow: {
      start: joint[0],
      end: joint[1],
      text,
      merged: scan.total.merged,
      activeUsers: people.activeUsers,
    },
  };
}

export function buildFigures(
  E: Engine,
  payload: Payload,
  period: Period,
  scan: SessionScan,
  billing: BillingScan,
  people: PeopleFigures,
  previousAcus: number | null,
  previousText: string,
): Figures {
  const price = payload.meta.price;
  const acus = (billing.source === 'estimated' ? scan.total.acus : billing.total) / 100;
  const active = people.activeUsers;
  return {
    period,
    price,
    source: billing.source,
    acus,
    cost: price === null ? null : acus * price,
    sessions: scan.total,
    mergeRate: ratio(scan.total.merged, scan.total.prs),
    activeUsers: active,
    perMergedPr: ratio(acus, scan.total.merged),
    perActiveUser: ratio(acus, active),
    ratioWindow: null,
    previous:
      previousAcus === null
        ? null
        : { acus: previousAcus, text: previousText, change: ratio(acus - previousAcus, previousAcus) },
    spend: E.spendSeries(period, scan, billing),
    acusByCategory: {
      labels: period.labels,
      series: payload.dims.category.map((name, i) => ({
        name,
        values: (scan.acusByCategory[i] ?? []).map((v) => v / 100),
      })),
    },
    prsByState: {
      labels: period.labels,
      series: [
        { name: 'merged', values: scan.prsByState.merged },
        { name: 'open', values: scan.prsByState.open },
        { name: 'closed', values: scan.prsByState.closed },
      ],
    },
    status: E.counted(payload.dims.status, scan.byStatus),
    origin: E.counted(payload.dims.origin, scan.byOrigin),
    sizes: E.sizeRows(payload.dims.size, scan.bySize),
    withInsights: scan.withInsights,
    messages: ['0', '1–5', '6–10', '11–20', '21–50', '51–100', '101–200', '201+'].map((label, i) => ({
      label,
      count: scan.messageBuckets[i] ?? 0,
    })),
    peopleBilled: billing.byActor !== null,
    people: people.users,
    peopleCount: people.userCount,
    serviceUsers: people.services,
    serviceUserCount: people.serviceCount,
    unattributed: people.unattributed,
    playbooks: E.playbookRows(payload, scan),
    noPlaybookSessions:
      scan.total.sessions - [...scan.byPlaybook.values()].reduce((a, t) => a + t.sessions, 0),
    matched: scan.matched,
    outcomes: E.outcomeRows(scan),
    forecast: null,
    cycle: null,
    weekly: [],
  };
}

export const FIGURE_FUNCTIONS = [ratio, daySpan, jointRange, computeView, withRatioWindow, buildFigures];
