import { redact, type TapConfig } from '../config.js';
import { ApiError } from '../errors.js';
import { isJsonObject } from '../json.js';
import type { FailAction } from './retry-policy.js';

const MAX_DETAIL = 500;

/** The human part of an RFC 9457 problem body: detail (or title) plus field errors, if any. */
export function problemDetail(body: unknown): string | null {
  if (typeof body !== 'string' || body.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch {
    return body.slice(0, MAX_DETAIL);
  }
  if (!isJsonObject(parsed)) return null;
  const parts: string[] = [];
  const main = parsed.detail ?? parsed.title;
  if (typeof main === 'string') parts.push(main);
  if (Array.isArray(parsed.errors) && parsed.errors.length > 0) parts.push(JSON.stringify(parsed.errors));
  const text = parts.join(' ');
  return text === '' ? null : text.slice(0, MAX_DETAIL);
}

/** A non-retryable API answer as a typed error whose message says what to do about it. */
export function apiErrorFor(
  action: FailAction,
  status: number,
  path: string,
  context: { stream: string; permission: string },
  body: unknown,
  config: Pick<TapConfig, 'apiToken'>,
): ApiError {
  const where = `HTTP ${status} on GET ${path}`;
  const detail = problemDetail(body);
  const withDetail = detail ? `: ${detail}` : '';
  let message: string;
  switch (action) {
    case 'unauthorized':
      message = `the API token was rejected (${where}); check api_token or DEVIN_API_TOKEN`;
      break;
    case 'forbidden':
      message = `${context.stream}: the API token's role lacks the ${context.permission} permission (${where})`;
      return new ApiError(redact(message, config), status, path, context.permission);
    case 'not_found':
      message = `${context.stream}: not found (${where})${withDetail}`;
      break;
    case 'invalid_request':
      message = `${context.stream}: the API rejected the request (${where})${withDetail}`;
      break;
    case 'client_error':
      message = `${context.stream}: request failed (${where})${withDetail}`;
      break;
  }
  return new ApiError(redact(message, config), status, path);
}
