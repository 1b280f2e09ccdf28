import type { StreamDef } from './stream-def.js';

/** A bare array per session; session_id copied from the parent. Opt-in: names and URLs can be personal data. */
export const sessionAttachments = {
  name: 'session_attachments',
  path: '/v3/organizations/{org_id}/sessions/{devin_id}/attachments',
  primaryKey: ['session_id', 'attachment_id'],
  cursorField: null,
  permission: 'ViewOrgSessions',
  paging: { kind: 'array' },
  parent: {
    stream: 'sessions',
    bind: { devin_id: { field: 'session_id', prefix: 'devin-' } },
    copy: ['session_id'],
    reread: 'changed',
    parentPath: '/v3/organizations/{org_id}/sessions/{devin_id}',
  },
  selectedByDefault: false,
} as const satisfies StreamDef;
