import type { StreamDef } from './stream-def.js';

/** Members whose access comes from an identity-provider group (not in `users`). The whole list every run. */
export const idpUsers = {
  name: 'idp_users',
  path: '/v3beta1/organizations/{org_id}/members/idp-users',
  primaryKey: ['user_id'],
  cursorField: null,
  permission: 'ViewOrgMembership',
  selectedByDefault: true,
} as const satisfies StreamDef;
