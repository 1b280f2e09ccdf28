import { METRICS_DAILY } from '../metrics-window.js';
import { perOrganization } from './per-organization.js';

/** Sessions and ACUs by category per organization and UTC day: the only source of ACUs by category. */
export const metricsCategories = perOrganization(
  {
    name: 'metrics_categories',
    path: '/v3/enterprise/metrics/sessions-by-category',
    primaryKey: ['date'],
    cursorField: 'date',
    permission: 'ViewAccountMetrics',
    paging: METRICS_DAILY,
    selectedByDefault: true,
  },
  // The enterprise endpoint, narrowed to the one organization.
  { org_ids: 'org_id' },
);
