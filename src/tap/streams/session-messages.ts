import type { StreamDef } from './stream-def.js';

/** Messages carry no session id: the tap copies it from the parent session. Opt-in (personal data). */
export const sessionMessages = {
  name: 'session_messages',
  path: '/v3/organizations/{org_id}/sessions/{devin_id}/messages',
  primaryKey: ['session_id', 'event_id'],
  cursorField: 'created_at',
  permission: 'ViewOrgSessions',
  serverFilters: 'none',
  parent: { stream: 'sessions', bind: { devin_id: 'session_id' }, copy: ['session_id'] },
  selectedByDefault: false,
} as const satisfies StreamDef;
