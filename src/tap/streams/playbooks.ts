import type { StreamDef } from './stream-def.js';

export const playbooks = {
  name: 'playbooks',
  path: '/v3/organizations/{org_id}/playbooks',
  primaryKey: ['playbook_id'],
  cursorField: 'updated_at',
  permission: 'ManageOrgPlaybooks',
  cursorFallback: 'created_at',
  selectedByDefault: true,
} as const satisfies StreamDef;
