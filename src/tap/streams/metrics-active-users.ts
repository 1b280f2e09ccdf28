import { METRICS_PERMISSION } from './metrics-window.js';
import type { StreamDef } from './stream-def.js';

/** dau, wau and mau: each answers a whole window as an array of periods (weeks Monday to Sunday UTC). */
export const metricsActiveUsers = {
  name: 'metrics_active_users',
  path: '/v3/organizations/{org_id}/metrics/{metric}',
  primaryKey: ['period', 'start_time'],
  cursorField: 'start_time',
  permission: METRICS_PERMISSION,
  paging: {
    kind: 'window',
    answer: { kind: 'array' },
    afterParam: 'time_after',
    beforeParam: 'time_before',
    maxDaysPerRequest: 31,
    trailingDays: 3,
    history: { days: 'metricsHistoryDays', startDate: 'when_later' },
    parts: [
      { vars: { metric: 'dau' }, fields: { period: 'day' }, align: 'day' },
      { vars: { metric: 'wau' }, fields: { period: 'week' }, align: 'week' },
      { vars: { metric: 'mau' }, fields: { period: 'month' }, align: 'month' },
    ],
  },
  selectedByDefault: true,
} as const satisfies StreamDef;
