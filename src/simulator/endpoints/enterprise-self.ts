import { type ApiResponse, ok, problem } from '../core/problem.js';
import type { ApiState } from './api.js';

export const SELF_PATH = '/v3/enterprise/self';

/**
 * `GET /v3/enterprise/self`: any valid key may ask who it is; an org-scoped key learns its
 * organization (the simulator's keys are all org-scoped). Null when the path is another one.
 */
export function enterpriseSelf(
  state: ApiState,
  method: string,
  url: URL,
  permissions: ReadonlySet<string>,
): ApiResponse | null {
  if (url.pathname !== SELF_PATH) return null;
  if (method !== 'GET') return problem(405, `${method} is not allowed on ${SELF_PATH}; use GET`, SELF_PATH);
  return ok({
    service_user_id: `service-user-sim-${permissions.size}`,
    service_user_name: 'devin-tap simulator',
    org_id: state.orgId,
  });
}
