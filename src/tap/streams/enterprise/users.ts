import type { StreamDef } from '../stream-def.js';
import { users as orgUsers } from '../users.js';
import { MEMBERSHIP_PERMISSION } from './members.js';

/** One list for the enterprise: a member of several organizations once, one role assignment per org. */
export const users = {
  ...orgUsers,
  path: '/v3/enterprise/members/users',
  permission: MEMBERSHIP_PERMISSION,
} as const satisfies StreamDef;
