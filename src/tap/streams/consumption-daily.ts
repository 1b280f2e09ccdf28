import { ACUS_BY_PRODUCT, CONSUMPTION_WINDOW } from './consumption-window.js';
import type { StreamDef } from './stream-def.js';

/** The organization's billed ACUs per billing day. Older docs name the permission ManageBilling. */
export const consumptionDaily = {
  name: 'consumption_daily',
  path: '/v3/organizations/{org_id}/consumption/daily',
  primaryKey: ['date'],
  cursorField: 'date',
  permission: 'ViewOrgConsumption',
  paging: CONSUMPTION_WINDOW,
  spread: [ACUS_BY_PRODUCT],
  selectedByDefault: true,
} as const satisfies StreamDef;
