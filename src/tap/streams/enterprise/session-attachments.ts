import { sessionAttachments as orgAttachments } from '../session-attachments.js';
import type { StreamDef } from '../stream-def.js';
import { enterpriseChild, ORG_ID_COLUMN, SESSIONS_PERMISSION } from './session-family.js';

export const sessionAttachments = {
  ...orgAttachments,
  path: '/v3/enterprise/sessions/{devin_id}/attachments',
  permission: SESSIONS_PERMISSION,
  addedColumns: ORG_ID_COLUMN,
  parent: enterpriseChild(orgAttachments.parent),
} as const satisfies StreamDef;
