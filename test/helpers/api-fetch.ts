/** Requests to the simulator (or any local API server) as a client would send them: with the bearer token. */
import type { JsonObject } from '../../src/tap/json.js';

export interface ApiReply {
  status: number;
  type: string | null;
  /** The parsed JSON body ({} when the body is empty). */
  body: JsonObject;
}

/** `method path` on `baseUrl` with `Authorization: Bearer token` (no header when the token is null). */
export async function apiFetch(
  baseUrl: string,
  path: string,
  token: string | null,
  method = 'GET',
): Promise<ApiReply> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(`${baseUrl}${path}`, { method, headers });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: text === '' ? {} : (JSON.parse(text) as JsonObject),
  };
}

/** An organization's v3 path: `/v3/organizations/<orgId><rest>`. */
export function orgPath(orgId: string, rest: string): string {
  return `/v3/organizations/${orgId}${rest}`;
}

/** An organization's members list path (v3beta1). */
export function membersPath(orgId: string, query = ''): string {
  return `/v3beta1/organizations/${orgId}/members/users${query}`;
}
