import { sessionsInsights as orgInsights } from '../sessions-insights.js';
import type { StreamDef } from '../stream-def.js';
import { SESSIONS_PERMISSION } from './session-family.js';

export const sessionsInsights = {
  ...orgInsights,
  path: '/v3/enterprise/sessions/insights',
  permission: SESSIONS_PERMISSION,
  orgFilter: { param: 'org_ids' },
} as const satisfies StreamDef;
