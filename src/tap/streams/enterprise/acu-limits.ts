import type { StreamDef } from '../stream-def.js';
import { BILLING_PERMISSION } from './billing.js';

/**
 * ACU limits per cycle at each scope. The API gives no id: the key `acu_limit_key` is
 * `scope:org_id:user_id` with an absent part left empty (`enterprise::`, `org:org-a:`, `user::u1`).
 */
export const acuLimits = {
  name: 'acu_limits',
  path: '/v3/enterprise/consumption/acu-limits/devin',
  primaryKey: ['acu_limit_key'],
  cursorField: null,
  permission: BILLING_PERMISSION,
  orgFilter: {},
  derivedKey: { field: 'acu_limit_key', from: ['scope', 'org_id', 'user_id'] },
  selectedByDefault: true,
} as const satisfies StreamDef;
