import type { StreamDef } from './stream-def.js';

/** Messages carry no session id: the tap copies it from the parent session. Opt-in (personal data). */
export const sessionMessages = {
  name: 'session_messages',
  path: '/v3/organizations/{org_id}/sessions/{devin_id}/messages',
  primaryKey: ['session_id', 'event_id'],
  cursorField: 'created_at',
  permission: 'ViewOrgSessions',
  parent: {
    stream: 'sessions',
    // Session ids in lists normally carry `devin-`; the path needs it (added once, never twice).
    bind: { devin_id: { field: 'session_id', prefix: 'devin-' } },
    copy: ['session_id'],
    reread: 'changed',
    parentPath: '/v3/organizations/{org_id}/sessions/{devin_id}',
  },
  selectedByDefault: false,
} as const satisfies StreamDef;
