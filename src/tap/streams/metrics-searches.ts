import { METRICS_DAILY, METRICS_PERMISSION } from './metrics-window.js';
import type { StreamDef } from './stream-def.js';

/** Searches created per UTC day. */
export const metricsSearches = {
  name: 'metrics_searches',
  path: '/v3/organizations/{org_id}/metrics/searches',
  primaryKey: ['date'],
  cursorField: 'date',
  permission: METRICS_PERMISSION,
  paging: METRICS_DAILY,
  selectedByDefault: true,
} as const satisfies StreamDef;
