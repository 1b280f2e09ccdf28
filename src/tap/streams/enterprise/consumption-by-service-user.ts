import { ACUS_BY_PRODUCT, CONSUMPTION_WINDOW } from '../consumption-window.js';
import type { StreamDef } from '../stream-def.js';
import { BILLING_PERMISSION } from './billing.js';

/** Each service user's ACUs per billing day; a removed service user's billing stays. */
export const consumptionByServiceUser = {
  name: 'consumption_by_service_user',
  path: '/v3/enterprise/consumption/daily/service-users/{service_user_id}',
  primaryKey: ['service_user_id', 'date'],
  cursorField: 'date',
  permission: BILLING_PERMISSION,
  paging: CONSUMPTION_WINDOW,
  parent: {
    stream: 'service_users',
    bind: { service_user_id: 'service_user_id' },
    copy: ['service_user_id'],
    reread: 'every',
    outlivesParent: true,
  },
  spread: [ACUS_BY_PRODUCT],
  selectedByDefault: true,
} as const satisfies StreamDef;
