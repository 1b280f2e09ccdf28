import type { JsonObject } from '../../tap/json.js';

/** Half-open ranges on epoch seconds: created_after <= created_at < created_before (same for updated). */
export interface TimeFilter {
  createdAfter?: number;
  createdBefore?: number;
  updatedAfter?: number;
  updatedBefore?: number;
}

export interface IndexPage {
  indexes: number[];
  hasNext: boolean;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 200;

/** One field-level validation error, as in the `errors` member of a 422 problem. */
export interface FieldError extends JsonObject {
  loc: string[];
  msg: string;
  type: string;
  input: string;
}

export interface ListQuery {
  first: number;
  after: string | null;
}

function fieldError(name: string, msg: string, input: string): FieldError {
  return { loc: ['query', name], msg, type: 'value_error', input };
}

/** `first` (1..200, default 100) and `after` (kept opaque here; the list decodes it). */
export function parseListQuery(params: URLSearchParams, errors: FieldError[]): ListQuery {
  const rawFirst = params.get('first');
  let first = DEFAULT_PAGE_SIZE;
  if (rawFirst !== null) {
    first = /^[0-9]{1,6}$/.test(rawFirst) ? Number(rawFirst) : Number.NaN;
    if (!(first >= 1 && first <= MAX_PAGE_SIZE)) {
      errors.push(fieldError('first', `first must be an integer from 1 to ${MAX_PAGE_SIZE}`, rawFirst));
    }
  }
  const after = params.get('after');
  return { first, after: after === null || after === '' ? null : after };
}

const TIME_PARAMS = [
  ['created_after', 'createdAfter'],
  ['created_before', 'createdBefore'],
  ['updated_after', 'updatedAfter'],
  ['updated_before', 'updatedBefore'],
] as const;

/** created_/updated_ after/before: integer epoch seconds. */
export function parseTimeFilter(params: URLSearchParams, errors: FieldError[]): TimeFilter {
  const filter: TimeFilter = {};
  for (const [name, key] of TIME_PARAMS) {
    const raw = params.get(name);
    if (raw === null) continue;
    if (/^-?[0-9]{1,15}$/.test(raw)) filter[key] = Number(raw);
    else errors.push(fieldError(name, `${name} must be an integer (epoch seconds)`, raw));
  }
  return filter;
}

export function invalidCursor(raw: string): FieldError {
  return fieldError(
    'after',
    'after is not a valid cursor for this list (URL-encode end_cursor verbatim)',
    raw,
  );
}
