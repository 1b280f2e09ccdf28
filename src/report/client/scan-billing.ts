/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. Billed ACUs for a period from consumption_daily / consumption_by_user.
 */
import type { BillingColumns, Payload, ViewChoice } from '../payload.js';
import type { Period } from './period.js';

/** billed: the org's consumption_daily; user: one member's consumption_by_user; estimated: sessions. */
export type CostSource = 'billed' | 'user' | 'estimated';

export interface BillingScan {
  source: CostSource;
  /** hundredths, for the period. */
  total: number;
  /** Per product (devin, cascade, terminal, review, other), per time bucket, hundredths. */
  byProduct: number[][];
  /** Billed ACUs per member in the period (hundredths); null without consumption_by_user or when filtered. */
  byActor: Float64Array | null;
  /** Billed ACUs of all members together in the period, when consumption_by_user is there. */
  attributed: number | null;
}

/** Where billed figures can come from for these filters: origin and category are not billed apart. */
export function costSource(payload: Payload, choice: ViewChoice): CostSource {
  if (choice.origin >= 0 || choice.category >= 0) return 'estimated';
  if (choice.actor >= 0) {
    return payload.billingByUser !== null && payload.actors.kind[choice.actor] === 0 ? 'user' : 'estimated';
  }
  return payload.billing === null ? 'estimated' : 'billed';
}

function rowAcus(columns: BillingColumns, i: number): number {
  return (
    (columns.devin[i] ?? 0) +
    (columns.cascade[i] ?? 0) +
    (columns.terminal[i] ?? 0) +
    (columns.review[i] ?? 0) +
    (columns.other[i] ?? 0)
  );
}

/** Billed ACUs (hundredths) from `start` to `end` for the choice's source; null when estimated. */
export function billedAcus(payload: Payload, choice: ViewChoice, start: number, end: number): number | null {
  const source = costSource(payload, choice);
  const columns = source === 'billed' ? payload.billing : source === 'user' ? payload.billingByUser : null;
  if (columns === null) return null;
  const actors = source === 'user' ? payload.billingByUser?.actor : undefined;
  let total = 0;
  for (let i = 0; i < columns.day.length; i++) {
    const day = columns.day[i] ?? 0;
    if (day < start || day > end || (actors !== undefined && actors[i] !== choice.actor)) continue;
    total += rowAcus(columns, i);
  }
  return total;
}

function productSeries(payload: Payload, choice: ViewChoice, period: Period, source: CostSource): number[][] {
  const series = [0, 1, 2, 3, 4].map(() => new Array(period.labels.length).fill(0));
  const columns = source === 'billed' ? payload.billing : source === 'user' ? payload.billingByUser : null;
  if (columns === null || period.start === null || period.end === null) return series;
  const actors = source === 'user' ? payload.billingByUser?.actor : undefined;
  const products = [columns.devin, columns.cascade, columns.terminal, columns.review, columns.other];
  for (let i = 0; i < columns.day.length; i++) {
    const day = columns.day[i] ?? 0;
    if (day < period.start || day > period.end || (actors !== undefined && actors[i] !== choice.actor))
      continue;
    const bucket = period.bucketOf[day - period.start] ?? 0;
    products.forEach((values, p) => {
      const row = series[p];
      if (row) row[bucket] = (row[bucket] ?? 0) + (values[i] ?? 0);
    });
  }
  return series;
}

function membersBilled(payload: Payload, choice: ViewChoice, period: Period): Float64Array | null {
  const columns = payload.billingByUser;
  if (columns === null || period.start === null || period.end === null) return null;
  if (choice.origin >= 0 || choice.category >= 0) return null;
  const byActor = new Float64Array(payload.actors.id.length);
  for (let i = 0; i < columns.day.length; i++) {
    const day = columns.day[i] ?? 0;
    const actor = columns.actor[i] ?? 0;
    if (day < period.start || day > period.end || (choice.actor >= 0 && actor !== choice.actor)) continue;
    byActor[actor] = (byActor[actor] ?? 0) + rowAcus(columns, i);
  }
  return byActor;
}

export function scanBilling(payload: Payload, choice: ViewChoice, period: Period): BillingScan {
  const source = costSource(payload, choice);
  const byActor = membersBilled(payload, choice, period);
  const noPeriod = period.start === null || period.end === null;
  return {
    source,
    total: noPeriod ? 0 : (billedAcus(payload, choice, period.start ?? 0, period.end ?? 0) ?? 0),
    byProduct: productSeries(payload, choice, period, source),
    byActor,
    attributed: byActor === null ? null : byActor.reduce((a, b) => a + b, 0),
  };
}

export const BILLING_FUNCTIONS = [costSource, rowAcus, billedAcus, productSeries, membersBilled, scanBilling];
