import type { StreamDef } from '../stream-def.js';

/** The enterprise's organizations, with their ACU limits: the parent of every per-org read. */
export const organizations = {
  name: 'organizations',
  path: '/v3/enterprise/organizations',
  primaryKey: ['org_id'],
  cursorField: null,
  permission: 'ManageOrganizations',
  orgFilter: {},
  selectedByDefault: true,
} as const satisfies StreamDef;
