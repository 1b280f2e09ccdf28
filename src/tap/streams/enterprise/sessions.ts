import { sessions as orgSessions } from '../sessions.js';
import type { StreamDef } from '../stream-def.js';
import { SESSIONS_PERMISSION } from './session-family.js';

/** Every organization's sessions in one list; each carries its org_id. */
export const sessions = {
  ...orgSessions,
  path: '/v3/enterprise/sessions',
  permission: SESSIONS_PERMISSION,
  orgFilter: { param: 'org_ids' },
} as const satisfies StreamDef;
