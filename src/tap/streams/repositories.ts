import type { StreamDef } from './stream-def.js';

/** The repositories Devin works on, with indexing status. The whole list every run; permission undocumented. */
export const repositories = {
  name: 'repositories',
  path: '/v3beta1/organizations/{org_id}/repositories',
  primaryKey: ['repo_path'],
  cursorField: null,
  permission: 'ViewOrgRepositories',
  query: { load_indexing_status: true },
  selectedByDefault: true,
} as const satisfies StreamDef;
