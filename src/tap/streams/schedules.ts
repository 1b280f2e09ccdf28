import type { StreamDef } from './stream-def.js';

/**
 * Automations that start sessions. Paged by limit/offset; no filters: the whole list every run.
 * The only ISO 8601 timestamps of the API, emitted as epoch seconds. One source names the
 * permission ViewOrgSchedules.
 */
export const schedules = {
  name: 'schedules',
  path: '/v3/organizations/{org_id}/schedules',
  primaryKey: ['scheduled_session_id'],
  cursorField: null,
  permission: 'ManageOrgSchedules',
  paging: { kind: 'offset', limitParam: 'limit', offsetParam: 'offset', maxLimit: 100 },
  isoTimestamps: ['scheduled_at', 'last_executed_at', 'last_error_at', 'created_at', 'updated_at'],
  selectedByDefault: true,
} as const satisfies StreamDef;
