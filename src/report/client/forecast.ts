/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. What this month will cost, from the billed days so far.
 */
import type { BillingColumns, Payload } from '../payload.js';

export interface MonthForecast {
  /** 'YYYY-MM' of the last billed day. */
  month: string;
  /** Billed ACUs from the 1st of the month to the last billed day. */
  monthToDate: number;
  /** Average billed ACUs of the complete days it is taken over, and how many. */
  dailyRate: number;
  rateDays: number;
  /** Month-to-date plus the daily rate for each day left in the month. */
  forecast: number;
  daysLeft: number;
  /** The budget in ACUs (USD budget over the price), when both are known. */
  budgetAcus: number | null;
  basis: string;
}

/** Billed ACUs per day (hundredths), by day number. */
function billedByDay(columns: BillingColumns): Map<number, number> {
  const byDay = new Map<number, number>();
  for (let i = 0; i < columns.day.length; i++) {
    const day = columns.day[i] ?? 0;
    const acus =
      (columns.devin[i] ?? 0) +
      (columns.cascade[i] ?? 0) +
      (columns.terminal[i] ?? 0) +
      (columns.review[i] ?? 0) +
      (columns.other[i] ?? 0);
    byDay.set(day, (byDay.get(day) ?? 0) + acus);
  }
  return byDay;
}

/**
 * The month of the last billed day: spend so far, a daily run rate over the last 7 complete days
 * (the last billed day is still accruing when it is the report's own day), and the month's forecast.
 * Null without billing data.
 */
export function monthForecast(payload: Payload, budgetUsd: number | null): MonthForecast | null {
  const columns = payload.billing;
  if (columns === null || columns.day.length === 0) return null;
  const byDay = billedByDay(columns);
  const last = Math.max(...byDay.keys());
  const date = new Date(last * 86_400_000);
  const monthStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 86_400_000;
  const monthEnd = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 86_400_000 - 1;
  let monthToDate = 0;
  for (let day = monthStart; day <= last; day++) monthToDate += byDay.get(day) ?? 0;
  const today = Math.floor(Date.parse(payload.meta.generatedAt) / 86_400_000);
  const lastComplete = last >= today ? last - 1 : last;
  const rateDays = 7;
  let rateSum = 0;
  for (let day = lastComplete - rateDays + 1; day <= lastComplete; day++) rateSum += byDay.get(day) ?? 0;
  const dailyRate = rateSum / rateDays / 100;
  // The last day still accruing is forecast at the rate too, in place of its partial figure.
  const partial = lastComplete < last ? (byDay.get(last) ?? 0) / 100 : 0;
  const daysLeft = monthEnd - lastComplete;
  const mtd = monthToDate / 100;
  const forecast = mtd - partial + dailyRate * daysLeft;
  const price = payload.meta.price;
  const budgetAcus = budgetUsd !== null && price !== null ? budgetUsd / price : null;
  const month = date.toISOString().slice(0, 7);
  const basis =
    `${month} to date (to ${date.toISOString().slice(0, 10)}), then the average of the last ` +
    `${rateDays} complete days for the ${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
  return { month, monthToDate: mtd, dailyRate, rateDays, forecast, daysLeft, budgetAcus, basis };
}

export const FORECAST_FUNCTIONS = [billedByDay, monthForecast];
