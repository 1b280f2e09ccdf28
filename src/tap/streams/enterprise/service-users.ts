import type { StreamDef } from '../stream-def.js';
import { MEMBERSHIP_PERMISSION } from './members.js';

/** The enterprise's service users (API keys' owners), with their role assignments. */
export const serviceUsers = {
  name: 'service_users',
  path: '/v3/enterprise/members/service-users',
  primaryKey: ['service_user_id'],
  cursorField: null,
  permission: MEMBERSHIP_PERMISSION,
  selectedByDefault: true,
} as const satisfies StreamDef;
