import type { TapConfig } from '../config.js';
import { ApiError, ResponseTooLargeError, RunEndingApiError } from '../errors.js';
import { isJsonObject } from '../json.js';
import { redact } from '../redact.js';
import type { FailAction, Failure } from './retry-policy.js';

const MAX_DETAIL = 300;
const MAX_EXCERPT = 160;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A short, single-line excerpt of a non-JSON body (an HTML error page loses its tags). */
function excerpt(body: string): string | null {
  const text = body
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? null : clip(text, MAX_EXCERPT);
}

/**
 * The human part of an error body: an RFC 9457 problem's title and detail (plus field errors), or
 * a short excerpt of anything else. Null when there is nothing worth showing.
 */
export function problemDetail(body: string | undefined): string | null {
  if (body === undefined || body.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch {
    return excerpt(body);
  }
  if (!isJsonObject(parsed)) return null;
  const { title, detail, errors } = parsed;
  const parts: string[] = [];
  if (typeof title === 'string' && title !== '') parts.push(title);
  if (typeof detail === 'string' && detail !== '' && detail !== title) parts.push(detail);
  let text = parts.join(': ');
  if (Array.isArray(errors) && errors.length > 0) text = `${text} ${JSON.stringify(errors)}`.trim();
  return text === '' ? null : clip(text, MAX_DETAIL);
}

export interface ErrorContext {
  stream: string;
  permission: string;
}

/** A Location header as shown: no query string (it may carry a key), redacted like everything. */
function shownLocation(location: string | undefined): string {
  if (location === undefined || location === '') return '(no Location header)';
  return location.replace(/[?#].*$/, '');
}

/** A non-retryable failure as a typed error whose message says what to do about it. */
export function apiErrorFor(
  action: FailAction,
  failure: Failure,
  path: string,
  context: ErrorContext,
  body: string | undefined,
  config: Pick<TapConfig, 'apiToken' | 'baseUrl' | 'maxResponseMb'>,
): ApiError {
  const clean = (text: string) => redact(text, config);
  const status = failure.kind === 'status' ? failure.status : 0;
  const where = `HTTP ${status} on GET ${path}`;
  const detail = problemDetail(body);
  const withDetail = detail ? `: ${detail}` : '';
  switch (action) {
    case 'unauthorized':
      return new RunEndingApiError(
        'the API token was rejected (HTTP 401); check api_token or DEVIN_API_TOKEN',
        status,
        path,
      );
    case 'redirect': {
      const location = failure.kind === 'status' ? failure.location : undefined;
      const message = `the API answered ${status} to ${shownLocation(location)} on GET ${path}; check base_url (redirects are not followed, so the token never travels to another address)`;
      return new RunEndingApiError(clean(message), status, path);
    }
    case 'too_large': {
      const message = `${context.stream}: the response to GET ${path} is larger than max_response_mb (${config.maxResponseMb ?? 256} MB); raise max_response_mb if pages this large are expected`;
      return new ResponseTooLargeError(clean(message), 200, path);
    }
    case 'forbidden': {
      const message = `${context.stream}: the API token's role lacks the ${context.permission} permission (${where})`;
      return new ApiError(clean(message), status, path, context.permission);
    }
    case 'not_found':
      return new ApiError(clean(`${context.stream}: not found (${where})${withDetail}`), status, path);
    case 'invalid_request':
      return new ApiError(
        clean(`${context.stream}: the API rejected the request (${where})${withDetail}`),
        status,
        path,
      );
    case 'client_error':
      return new ApiError(clean(`${context.stream}: request failed (${where})${withDetail}`), status, path);
  }
}
