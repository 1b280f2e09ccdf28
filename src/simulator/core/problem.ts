import type { JsonObject, JsonValue } from '../../tap/json.js';

/** What a handler answers; the server turns it into an HTTP response. */
export interface ApiResponse {
  status: number;
  body: JsonValue;
  headers?: Record<string, string>;
}

const TITLES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** An RFC 9457 problem details body (served as application/problem+json). */
export function problem(
  status: number,
  detail: string,
  instance: string,
  extra: JsonObject = {},
): ApiResponse {
  return {
    status,
    body: { status, title: TITLES[status] ?? 'Error', detail, type: 'about:blank', instance, ...extra },
  };
}

export function ok(body: JsonValue): ApiResponse {
  return { status: 200, body };
}
