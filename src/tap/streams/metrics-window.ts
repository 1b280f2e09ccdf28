import type { WindowPaging } from './stream-def.js';

/** Metrics answer one aggregate per window: one request per UTC day makes a daily series. */
export const METRICS_DAILY = {
  kind: 'window',
  answer: { kind: 'aggregate', dateField: 'date' },
  afterParam: 'time_after',
  beforeParam: 'time_before',
  maxDaysPerRequest: 1,
  align: 'day',
  trailingDays: 3,
  history: { days: 'metricsHistoryDays', startDate: 'when_later' },
} as const satisfies WindowPaging;

/** Permission of every metrics endpoint (the English reference page: ViewAccountMetrics). */
export const METRICS_PERMISSION = 'ViewOrgMetrics';
