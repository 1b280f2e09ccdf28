import { ACUS_BY_PRODUCT, CONSUMPTION_WINDOW } from '../consumption-window.js';
import { BILLING_PERMISSION } from './billing.js';
import { perOrganization } from './per-organization.js';

/** Each organization's ACUs per billing day (believed to leave out Cascade and Terminal). */
export const consumptionByOrg = perOrganization({
  name: 'consumption_by_org',
  path: '/v3/enterprise/consumption/daily/organizations/{org_id}',
  primaryKey: ['date'],
  cursorField: 'date',
  permission: BILLING_PERMISSION,
  paging: CONSUMPTION_WINDOW,
  spread: [ACUS_BY_PRODUCT],
  selectedByDefault: true,
});
