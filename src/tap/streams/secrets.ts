import type { StreamDef } from './stream-def.js';

/** Metadata only: the catalog schema forbids additional properties, and records are projected onto it. */
export const secrets = {
  name: 'secrets',
  path: '/v3/organizations/{org_id}/secrets',
  primaryKey: ['secret_id'],
  cursorField: 'updated_at',
  permission: 'ManageOrgSecrets',
  serverFilters: 'none',
  selectedByDefault: true,
} as const satisfies StreamDef;
