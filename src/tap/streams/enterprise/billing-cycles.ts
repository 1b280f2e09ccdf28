import type { StreamDef } from '../stream-def.js';
import { BILLING_PERMISSION } from './billing.js';

/** The exact billing-cycle windows [after, before). */
export const billingCycles = {
  name: 'billing_cycles',
  path: '/v3/enterprise/consumption/cycles',
  primaryKey: ['after'],
  cursorField: null,
  permission: BILLING_PERMISSION,
  selectedByDefault: true,
} as const satisfies StreamDef;
