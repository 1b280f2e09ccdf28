import type { ParentLink } from '../stream-def.js';

/** Permission of the enterprise session endpoints. */
export const SESSIONS_PERMISSION = 'ViewAccountSessions';

/** A session's children, asked of the enterprise path with the session's organization (`?org_id=`). */
export function enterpriseChild(parent: ParentLink): ParentLink {
  return { ...parent, bind: { ...parent.bind, org_id: 'org_id' }, query: { org_id: 'org_id' } };
}
