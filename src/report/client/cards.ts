/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals, the
 * functions of this file and the engine `E`. The headline cards: always eight, so that the grid's
 * rows of four or two are full.
 */
import type { CycleCard } from '../payload.js';
import type { Figures } from './figures.js';
import type { RenderEngine } from './render.js';

export function costLabel(f: Figures): string {
  if (f.price === null) return f.source === 'estimated' ? 'ACUs (estimated from sessions)' : 'Billed ACUs';
  return f.source === 'estimated' ? 'Cost (estimated from sessions)' : 'Billed cost';
}

/** Where the ratio cards' window is not the period's, the hint says which days they cover. */
export function ratioHint(E: RenderEngine, f: Figures, what: string, count: number): string {
  const window = f.ratioWindow;
  if (window === null) return `no days with both billing and sessions, ${f.period.text}`;
  const same = window.start === f.period.start && window.end === f.period.end;
  return `${E.fmtNumber(count)} ${what}${same ? '' : `, over ${window.text} (the days with both billing and sessions)`}`;
}

/** This month: the forecast, what is spent so far, against the budget when there is one. */
export function forecastCard(E: RenderEngine, f: Figures): [string, string, string, string] {
  const m = f.forecast;
  if (m === null) return ['forecast', 'Forecast this month', '-', 'needs consumption_daily (billed ACUs)'];
  const budget =
    m.budgetAcus === null || m.budgetAcus <= 0
      ? ''
      : `; ${E.fmtShare(m.forecast / m.budgetAcus)} of the budget of ${E.fmtAmount(m.budgetAcus, f.price)}`;
  const hint = `${E.fmtAmount(m.monthToDate, f.price)} so far in ${m.month}${budget}. Basis: ${m.basis}`;
  return ['forecast', `Forecast ${m.month}`, E.fmtAmount(m.forecast, f.price), hint];
}

export function renderCards(E: RenderEngine, f: Figures): string {
  const unit = f.price === null ? 'ACUs' : 'Cost';
  const acus = `${E.fmtNumber(f.acus)} ACUs`;
  const cards: [string, string, string, string][] = [
    [
      'cost',
      costLabel(f),
      E.fmtAmount(f.acus, f.price),
      f.source === 'estimated' ? `${acus}, estimated from sessions` : `${acus} billed, ${f.period.text}`,
    ],
    [
      'per-pr',
      `${unit} per merged PR`,
      E.fmtAmount(f.perMergedPr, f.price),
      ratioHint(E, f, 'merged pull requests', f.ratioWindow?.merged ?? 0),
    ],
    [
      'per-user',
      `${unit} per active user`,
      E.fmtAmount(f.perActiveUser, f.price),
      ratioHint(E, f, 'active users', f.ratioWindow?.activeUsers ?? 0),
    ],
    [
      'change',
      'Change vs previous period',
      E.fmtChange(f.previous?.change ?? null),
      f.previous === null
        ? 'no data for the previous period'
        : `${E.fmtAmount(f.previous.acus, f.price)}${f.price === null ? ' ACUs' : ''}, ${f.previous.text}`,
    ],
    forecastCard(E, f),
    f.cycle === null ? usersCard(E, f) : cycleCard(E, f.cycle, f.price),
    ['sessions', 'Sessions', E.fmtNumber(f.sessions.sessions), `created ${f.period.text}`],
    [
      'merge-rate',
      'Merge rate',
      E.fmtShare(f.mergeRate),
      `${E.fmtNumber(f.sessions.merged)} of ${E.fmtNumber(f.sessions.prs)} pull requests merged`,
    ],
  ];
  return cards
    .map(
      ([id, label, value, hint]) =>
        `<div class="card" data-card="${id}"><div class="label">${E.esc(label)}</div><div class="value">${E.esc(value)}</div><div class="hint">${E.esc(hint)}</div></div>`,
    )
    .join('\n');
}

/** The enterprise's billing cycle: spent so far against its limit, and where it is heading. */
export function cycleCard(
  E: RenderEngine,
  c: CycleCard,
  price: number | null,
): [string, string, string, string] {
  const limit = c.limit === null || c.limit <= 0 ? null : c.limit;
  const projected =
    c.projected === null
      ? ''
      : `; at the rate so far ${E.fmtAmount(c.projected, price)} by ${E.dayText(c.lastDay)}` +
        (limit === null ? '' : ` (${E.fmtShare(c.projected / limit)} of the limit)`);
  const against =
    limit === null
      ? 'no enterprise limit'
      : `${E.fmtShare(c.acus / limit)} of the limit of ${E.fmtAmount(limit, price)}`;
  const hint = `Cycle from ${E.dayText(c.startDay)}, ${E.fmtNumber(c.elapsedDays)} of ${E.fmtNumber(c.cycleDays)} days billed: ${against}${projected}`;
  return ['cycle', 'Billing cycle to date', E.fmtAmount(c.acus, price), hint];
}

/** Active users of the period (users with a session, or billed ACUs). */
export function usersCard(E: RenderEngine, f: Figures): [string, string, string, string] {
  return [
    'active-users',
    'Active users',
    E.fmtNumber(f.activeUsers),
    `with a session or billed ACUs, ${f.period.text}`,
  ];
}

export const CARD_FUNCTIONS = [costLabel, ratioHint, forecastCard, cycleCard, usersCard, renderCards];
