import type { StreamDef } from './stream-def.js';

/**
 * The repositories Devin works on, with indexing status. The whole list every run; permission
 * undocumented. last_updated_at's format is undocumented: an ISO 8601 string or epoch seconds both
 * become epoch seconds.
 */
export const repositories = {
  name: 'repositories',
  path: '/v3beta1/organizations/{org_id}/repositories',
  primaryKey: ['repo_path'],
  cursorField: null,
  permission: 'ViewOrgRepositories',
  query: { load_indexing_status: true },
  isoTimestamps: ['last_updated_at'],
  selectedByDefault: true,
} as const satisfies StreamDef;
