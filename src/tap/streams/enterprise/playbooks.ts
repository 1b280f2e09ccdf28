import { playbooks as orgPlaybooks } from '../playbooks.js';
import type { StreamDef } from '../stream-def.js';

/** Every organization's playbooks and the enterprise's own (org_id null: kept whatever `org_ids` says). */
export const playbooks = {
  ...orgPlaybooks,
  path: '/v3/enterprise/playbooks',
  permission: 'ManageAccountPlaybooks',
  orgFilter: {},
} as const satisfies StreamDef;
