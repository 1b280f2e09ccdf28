import type { KeyRole } from './auth.js';
import { type ApiResponse, problem } from './core/problem.js';
import { orgRoute } from './endpoints/api.js';
import { enterpriseSelf } from './endpoints/enterprise-self.js';
import { enterpriseRoute } from './enterprise/api.js';
import type { Enterprise } from './enterprise/enterprise.js';

function decodeSegments(pathname: string): string[] | null {
  try {
    return pathname.split('/').map(decodeURIComponent);
  } catch {
    return null;
  }
}

/** `/v3/enterprise/...` (self aside): enterprise keys only, then the route's enterprise permission. */
function enterpriseApi(
  enterprise: Enterprise,
  method: string,
  url: URL,
  role: KeyRole,
  rest: readonly string[],
): ApiResponse {
  const instance = url.pathname;
  const found = enterpriseRoute(rest);
  if (role.orgId !== null) {
    const needs = found?.permission ? ` (and ${found.permission})` : '';
    return problem(
      403,
      `This key belongs to organization ${role.orgId}: enterprise endpoints need an enterprise service user's key${needs}`,
      instance,
      {
        required_scope: 'enterprise',
        ...(found?.permission ? { required_permission: found.permission } : {}),
      },
    );
  }
  if (!found) return problem(404, `No route for ${method} ${instance}`, instance);
  const { permission, alsoGrantedBy } = found;
  if (
    permission !== null &&
    !role.permissions.has(permission) &&
    !role.permissions.has(alsoGrantedBy ?? '')
  ) {
    return problem(403, `The API key's role lacks the ${permission} permission`, instance, {
      required_permission: permission,
    });
  }
  if (method !== 'GET') return problem(405, `${method} is not allowed on ${instance}; use GET`, instance);
  return found.handle(enterprise, { params: url.searchParams, instance });
}

/** A 403 when the key may not read this organization (another org's key, or a denial set for tests). */
function orgRefusal(
  enterprise: Enterprise,
  role: KeyRole,
  orgId: string,
  rest: readonly string[],
  instance: string,
  permission: string,
) {
  if (role.orgId !== null && role.orgId !== orgId) {
    return problem(403, `This key belongs to organization ${role.orgId}, not ${orgId}`, instance);
  }
  const path = rest.join('/');
  if (role.orgId === null && enterprise.denials.has(orgId, path)) {
    return problem(
      403,
      `The API key's role lacks the ${permission} permission in organization ${orgId}`,
      instance,
      { required_permission: permission },
    );
  }
  return null;
}

/**
 * The API: auth (401), enterprise paths, route (404), organization (404: an unknown org id is reported
 * as not found), the key's organization (403), permission (403 naming it), method (405), then the
 * handler (422 on bad queries, 404 on unknown sessions).
 */
export function handleApi(
  enterprise: Enterprise,
  method: string,
  url: URL,
  authorization: string | undefined,
): ApiResponse {
  const instance = url.pathname;
  const role = enterprise.tokens.roleOf(authorization);
  if (!role) return problem(401, 'Missing or invalid API key (send Authorization: Bearer cog_...)', instance);
  const { permissions } = role;
  const self = enterpriseSelf(role, method, url);
  if (self) return self;
  const segments = decodeSegments(url.pathname);
  const [empty, version, organizations, orgId, ...rest] = segments ?? [];
  if (empty === '' && version === 'v3' && organizations === 'enterprise' && segments)
    return enterpriseApi(enterprise, method, url, role, segments.slice(3));
  const found = empty === '' && organizations === 'organizations' ? orgRoute(version ?? '', rest) : null;
  if (!found || orgId === undefined) return problem(404, `No route for ${method} ${instance}`, instance);
  const state = enterprise.orgs[enterprise.position(orgId)];
  if (!state) return problem(404, `Organization '${orgId}' not found`, instance);
  const refused = orgRefusal(enterprise, role, orgId, rest, instance, found.permission);
  if (refused) return refused;
  const granted = permissions.has(found.permission) || permissions.has(found.alsoGrantedBy ?? '');
  if (!granted) {
    const older = found.alsoGrantedBy ? ` (older docs: ${found.alsoGrantedBy})` : '';
    return problem(403, `The API key's role lacks the ${found.permission} permission${older}`, instance, {
      required_permission: found.permission,
    });
  }
  if (method !== 'GET') return problem(405, `${method} is not allowed on ${instance}; use GET`, instance);
  return found.handle(state, { params: url.searchParams, instance });
}
