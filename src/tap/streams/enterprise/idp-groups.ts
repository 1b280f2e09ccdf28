import type { StreamDef } from '../stream-def.js';
import { MEMBERSHIP_PERMISSION } from './members.js';

export const idpGroups = {
  name: 'idp_groups',
  path: '/v3/enterprise/members/idp-groups',
  primaryKey: ['idp_group_name'],
  cursorField: null,
  permission: MEMBERSHIP_PERMISSION,
  selectedByDefault: true,
} as const satisfies StreamDef;
