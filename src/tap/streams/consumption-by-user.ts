import { ACUS_BY_PRODUCT, CONSUMPTION_WINDOW } from './consumption-window.js';
import type { StreamDef } from './stream-def.js';

/** Each member's ACUs per billing day: the same windows, once per user (ids contain `|`). */
export const consumptionByUser = {
  name: 'consumption_by_user',
  path: '/v3/organizations/{org_id}/consumption/daily/users/{user_id}',
  primaryKey: ['user_id', 'date'],
  cursorField: 'date',
  permission: 'ViewOrgConsumption',
  paging: CONSUMPTION_WINDOW,
  parent: {
    stream: 'users',
    bind: { user_id: 'user_id' },
    copy: ['user_id'],
    reread: 'every',
    // A departed member is no longer listed; their billing is still served and stays.
    outlivesParent: true,
    // A member removed between the list and the read answers 404: skipped once the list says so.
    parentListing: { path: '/v3beta1/organizations/{org_id}/members/users', filter: { email: 'email' } },
  },
  spread: [ACUS_BY_PRODUCT],
  selectedByDefault: true,
} as const satisfies StreamDef;
