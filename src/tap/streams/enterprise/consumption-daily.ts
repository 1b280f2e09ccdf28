import { consumptionDaily as orgDaily } from '../consumption-daily.js';
import type { StreamDef } from '../stream-def.js';
import { BILLING_PERMISSION } from './billing.js';

/** The enterprise's billed ACUs per billing day: every organization and the usage no org owns. */
export const consumptionDaily = {
  ...orgDaily,
  path: '/v3/enterprise/consumption/daily',
  permission: BILLING_PERMISSION,
} as const satisfies StreamDef;
