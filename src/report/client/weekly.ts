/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. Cost per merged PR per ISO week over the days billing and sessions share.
 */
import type { Payload } from '../payload.js';

export interface WeekCost {
  week: number;
  billedAcus: number;
  merged: number;
  perMergedPr: number | null;
  /** The week is not wholly inside the days both billing and sessions cover. */
  partial: boolean;
}

/** Monday of the ISO week holding `day` (days since 1970-01-01, a Thursday). */
export function mondayOf(day: number): number {
  return day - ((day + 3) % 7);
}

function daySpanOf(days: readonly number[]): [number, number] | null {
  if (days.length === 0) return null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const day of days) {
    if (day < first) first = day;
    if (day > last) last = day;
  }
  return [first, last];
}

/** Billed ACUs over merged PRs (of sessions created that week), for the weeks both billing and sessions cover. */
export function weeklyCostPerPr(payload: Payload): WeekCost[] {
  const billing = payload.billing;
  const sessions = payload.sessions;
  const billed = billing === null ? null : daySpanOf(billing.day);
  const created = daySpanOf(sessions.day);
  if (billing === null || billed === null || created === null) return [];
  const from = Math.max(billed[0], created[0]);
  const to = Math.min(billed[1], created[1]);
  if (from > to) return [];
  const weeks = new Map<number, { acus: number; merged: number }>();
  for (let week = mondayOf(from); week <= to; week += 7) weeks.set(week, { acus: 0, merged: 0 });
  const products = [billing.devin, billing.cascade, billing.terminal, billing.review, billing.other];
  billing.day.forEach((day, i) => {
    const entry = day >= from && day <= to ? weeks.get(mondayOf(day)) : undefined;
    if (entry !== undefined) entry.acus += products.reduce((sum, column) => sum + (column[i] ?? 0), 0) / 100;
  });
  sessions.day.forEach((day, i) => {
    const entry = day >= from && day <= to ? weeks.get(mondayOf(day)) : undefined;
    if (entry !== undefined) entry.merged += sessions.merged[i] ?? 0;
  });
  return [...weeks.entries()].map(([week, entry]) => ({
    week,
    billedAcus: entry.acus,
    merged: entry.merged,
    perMergedPr: entry.merged > 0 ? entry.acus / entry.merged : null,
    partial: week < from || week + 6 > to,
  }));
}

export const WEEKLY_FUNCTIONS = [mondayOf, daySpanOf, weeklyCostPerPr];
