import type { JsonObject } from '../../json.js';
import type { ParentLink } from '../stream-def.js';

/** The organization of the session a message or attachment belongs to (copied from it). */
export const ORG_ID_COLUMN: Readonly<Record<string, JsonObject>> = {
  org_id: { type: 'string', description: "The session's organization (copied from the session)." },
};

/** Permission of the enterprise session endpoints. */
export const SESSIONS_PERMISSION = 'ViewAccountSessions';

/** A session's children, asked of the enterprise path with the session's organization (`?org_id=`). */
export function enterpriseChild(parent: ParentLink): ParentLink {
  return {
    ...parent,
    bind: { ...parent.bind, org_id: 'org_id' },
    query: { org_id: 'org_id' },
    copy: [...parent.copy, 'org_id'],
  };
}
