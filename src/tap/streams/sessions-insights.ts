import type { StreamDef } from './stream-def.js';

export const sessionsInsights = {
  name: 'sessions_insights',
  path: '/v3/organizations/{org_id}/sessions/insights',
  primaryKey: ['session_id'],
  cursorField: 'updated_at',
  cursorFallback: 'created_at',
  permission: 'ViewOrgSessions',
  serverFilters: { createdField: 'created_at' },
  selectedByDefault: true,
} as const satisfies StreamDef;
