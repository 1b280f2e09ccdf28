import type { StreamDef } from '../stream-def.js';
import { MEMBERSHIP_PERMISSION } from './members.js';

export const roles = {
  name: 'roles',
  path: '/v3/enterprise/roles',
  primaryKey: ['role_id'],
  cursorField: null,
  permission: MEMBERSHIP_PERMISSION,
  selectedByDefault: true,
} as const satisfies StreamDef;
