import { idpUsers as orgIdpUsers } from '../idp-users.js';
import type { StreamDef } from '../stream-def.js';
import { MEMBERSHIP_PERMISSION } from './members.js';

export const idpUsers = {
  ...orgIdpUsers,
  path: '/v3/enterprise/members/idp-users',
  permission: MEMBERSHIP_PERMISSION,
} as const satisfies StreamDef;
