import type { StreamDef } from './stream-def.js';

/**
 * Metadata only: the catalog schema forbids additional properties; records are projected onto it and a
 * field is kept only when its value has the documented type (anything else becomes null).
 */
export const secrets = {
  name: 'secrets',
  path: '/v3/organizations/{org_id}/secrets',
  primaryKey: ['secret_id'],
  cursorField: 'updated_at',
  permission: 'ManageOrgSecrets',
  cursorFallback: 'created_at',
  selectedByDefault: true,
} as const satisfies StreamDef;
