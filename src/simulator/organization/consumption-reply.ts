import type { JsonObject } from '../../tap/json.js';
import {
  BILLING_DAY_START,
  billingCycleStart,
  type Cents,
  type Consumption,
  DAY,
  type Owner,
} from './consumption.js';

/** The query of a consumption request: integer epoch seconds; both optional. */
export interface ConsumptionWindow {
  time_after?: number;
  time_before?: number;
}

/** Billing days whose start is in [time_after, time_before); without time_after, the current billing cycle. */
export function windowDays(consumption: Consumption, window: ConsumptionWindow): [number, number] {
  const after = window.time_after ?? billingCycleStart(consumption.now());
  const first = Math.max(consumption.firstDay, Math.ceil((after - BILLING_DAY_START) / DAY));
  const before = window.time_before;
  const last =
    before === undefined
      ? consumption.lastDay()
      : Math.min(consumption.lastDay(), Math.ceil((before - BILLING_DAY_START) / DAY) - 1);
  return [first, last];
}

/**
 * `{consumption_by_date, total_acus}` for one owner, several together, or the whole org (`owner`
 * null), days without usage left out.
 */
export function consumptionReply(
  consumption: Consumption,
  owner: Owner | readonly Owner[] | null,
  window: ConsumptionWindow,
): JsonObject {
  return replyFromCents(consumption, window, (day) =>
    owner === null
      ? consumption.orgCents(day)
      : Array.isArray(owner)
        ? consumption.sumCents(owner, day)
        : consumption.cents(owner as Owner, day),
  );
}

/** The reply for any daily figures (`centsOf` a billing day), on `consumption`'s days and entry shape. */
export function replyFromCents(
  consumption: Consumption,
  window: ConsumptionWindow,
  centsOf: (day: number) => Cents,
): JsonObject {
  const [first, last] = windowDays(consumption, window);
  const days: JsonObject[] = [];
  let total = 0;
  for (let day = first; day <= last; day++) {
    const cents = centsOf(day);
    const sum = cents.reduce((acc, value) => acc + value, 0);
    if (sum === 0) continue;
    total += sum;
    days.push(consumption.entry(day, cents));
  }
  return { consumption_by_date: days, total_acus: total / 100 };
}
