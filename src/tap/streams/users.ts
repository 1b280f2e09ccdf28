import type { StreamDef } from './stream-def.js';

/** Members with a direct role assignment. No timestamps: the whole list every run. Emails are personal data. */
export const users = {
  name: 'users',
  path: '/v3beta1/organizations/{org_id}/members/users',
  primaryKey: ['user_id'],
  cursorField: null,
  permission: 'ViewOrgMembership',
  selectedByDefault: true,
} as const satisfies StreamDef;
