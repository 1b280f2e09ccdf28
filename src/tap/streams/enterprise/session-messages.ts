import { sessionMessages as orgMessages } from '../session-messages.js';
import type { StreamDef } from '../stream-def.js';
import { enterpriseChild, ORG_ID_COLUMN, SESSIONS_PERMISSION } from './session-family.js';

export const sessionMessages = {
  ...orgMessages,
  path: '/v3/enterprise/sessions/{devin_id}/messages',
  permission: SESSIONS_PERMISSION,
  addedColumns: ORG_ID_COLUMN,
  parent: enterpriseChild(orgMessages.parent),
} as const satisfies StreamDef;
