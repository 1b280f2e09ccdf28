import type { StreamDef } from './stream-def.js';

/**
 * A bare array per session, re-read for new or changed sessions only. Attachments carry no time:
 * the session's session_id and updated_at are copied in (the cursor incremental catalogs name).
 * Opt-in: names and URLs can be personal data.
 */
export const sessionAttachments = {
  name: 'session_attachments',
  path: '/v3/organizations/{org_id}/sessions/{devin_id}/attachments',
  primaryKey: ['session_id', 'attachment_id'],
  cursorField: 'updated_at',
  permission: 'ViewOrgSessions',
  paging: { kind: 'array' },
  parent: {
    stream: 'sessions',
    bind: { devin_id: { field: 'session_id', prefix: 'devin-' } },
    copy: ['session_id', 'updated_at'],
    reread: 'changed',
    parentPath: '/v3/organizations/{org_id}/sessions/{devin_id}',
  },
  selectedByDefault: false,
} as const satisfies StreamDef;
