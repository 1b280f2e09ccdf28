import { consumptionByUser as orgByUser } from '../consumption-by-user.js';
import type { StreamDef } from '../stream-def.js';
import { BILLING_PERMISSION } from './billing.js';

/** Each member's ACUs per billing day, summed across the member's organizations. */
export const consumptionByUser = {
  ...orgByUser,
  path: '/v3/enterprise/consumption/daily/users/{user_id}',
  permission: BILLING_PERMISSION,
  parent: {
    ...orgByUser.parent,
    parentListing: { path: '/v3/enterprise/members/users', filter: { email: 'email' } },
  },
} as const satisfies StreamDef;
