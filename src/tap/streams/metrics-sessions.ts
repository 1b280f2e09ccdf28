import { METRICS_DAILY, METRICS_PERMISSION } from './metrics-window.js';
import type { SpreadRule, StreamDef } from './stream-def.js';

/** The origins and sizes the API names: each becomes a column (absent: 0). */
export const ORIGINS = [
  'webapp',
  'slack',
  'teams',
  'api',
  'linear',
  'jira',
  'automation',
  'cli',
  'desktop',
  'code_scan',
  'other',
];
export const SIZES = ['xs', 's', 'm', 'l', 'xl'];

const columns = (keys: readonly string[], prefix: string) =>
  Object.fromEntries(keys.map((key) => [key, `${prefix}${key}`]));

const BY_ORIGIN: SpreadRule = {
  field: 'sessions_created_by_origin',
  columns: columns(ORIGINS, 'sessions_from_'),
  absent: 0,
};
const BY_SIZE: SpreadRule = {
  field: 'sessions_created_by_size',
  columns: columns(SIZES, 'sessions_size_'),
  absent: 0,
};
const MERGED_BY_SIZE: SpreadRule = {
  field: 'sessions_with_merged_prs_by_size',
  columns: columns(SIZES, 'sessions_merged_size_'),
  absent: 0,
};

/** Sessions created per UTC day, by origin and by size, and those with merged PRs. */
export const metricsSessions = {
  name: 'metrics_sessions',
  path: '/v3/organizations/{org_id}/metrics/sessions',
  primaryKey: ['date'],
  cursorField: 'date',
  permission: METRICS_PERMISSION,
  paging: METRICS_DAILY,
  spread: [BY_ORIGIN, BY_SIZE, MERGED_BY_SIZE],
  selectedByDefault: true,
} as const satisfies StreamDef;
