import type { ParentLink, StreamDef } from '../stream-def.js';

const ORG_ID_COLUMN = { type: 'string', description: 'The organization the record was read for.' };

/**
 * An org-scope stream read once per organization of the enterprise, through that organization's own
 * endpoint with the enterprise key: each record carries the `org_id` it was read for, which joins its
 * key. A failure in one organization (a 403) fails that organization's part only. Rows of an
 * organization not read this time (left out of `org_ids`) stay on a full refresh.
 */
export function perOrganization(
  def: StreamDef,
  query?: ParentLink['query'],
): StreamDef & { parent: ParentLink } {
  return {
    ...def,
    primaryKey: ['org_id', ...def.primaryKey],
    addedColumns: { org_id: ORG_ID_COLUMN },
    parent: {
      stream: 'organizations',
      bind: { org_id: 'org_id' },
      copy: ['org_id'],
      reread: 'every',
      outlivesParent: true,
      failures: 'per_parent',
      ...(query === undefined ? {} : { query }),
    },
  };
}
