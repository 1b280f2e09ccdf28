import type { KeyRole } from '../auth.js';
import { type ApiResponse, ok, problem } from '../core/problem.js';

export const SELF_PATH = '/v3/enterprise/self';

/**
 * `GET /v3/enterprise/self`: any valid key may ask who it is; an org-scoped key learns its
 * organization, an enterprise key gets org_id null. Null when the path is another one.
 */
export function enterpriseSelf(role: KeyRole, method: string, url: URL): ApiResponse | null {
  if (url.pathname !== SELF_PATH) return null;
  if (method !== 'GET') return problem(405, `${method} is not allowed on ${SELF_PATH}; use GET`, SELF_PATH);
  return ok({
    service_user_id:
      role.orgId === null ? 'service-user-enterprise-sim' : `service-user-sim-${role.permissions.size}`,
    service_user_name: 'devin-tap simulator',
    org_id: role.orgId,
  });
}
