import { METRICS_DAILY, METRICS_PERMISSION } from './metrics-window.js';
import type { StreamDef } from './stream-def.js';

/** Pull requests created, opened, merged and closed per UTC day. */
export const metricsPrs = {
  name: 'metrics_prs',
  path: '/v3/organizations/{org_id}/metrics/prs',
  primaryKey: ['date'],
  cursorField: 'date',
  permission: METRICS_PERMISSION,
  paging: METRICS_DAILY,
  selectedByDefault: true,
} as const satisfies StreamDef;
