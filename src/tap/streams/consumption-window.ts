import type { SpreadRule, WindowPaging } from './stream-def.js';

/** Consumption endpoints answer one object per window; days start at 08:00 UTC and accrue for a while. */
export const CONSUMPTION_WINDOW = {
  kind: 'window',
  answer: { kind: 'list', field: 'consumption_by_date' },
  afterParam: 'time_after',
  beforeParam: 'time_before',
  maxDaysPerRequest: 30,
  trailingDays: 3,
  history: { days: 'consumptionHistoryDays', startDate: 'always' },
} as const satisfies WindowPaging;

export const ACUS_BY_PRODUCT = {
  field: 'acus_by_product',
  columns: { devin: 'acus_devin', cascade: 'acus_cascade', terminal: 'acus_terminal', review: 'acus_review' },
  absent: 0,
} as const satisfies SpreadRule;
