import { SchemaError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { PageResult } from './paginate.js';

/** A bare JSON array of objects, checked at the API boundary. */
export function parseArray(raw: unknown, label: string): JsonObject[] {
  const fail = (what: string): never => {
    throw new SchemaError(
      `${label}: the API returned an answer that is not a JSON array of objects (${what})`,
    );
  };
  if (!Array.isArray(raw)) return fail(isJsonObject(raw) ? 'an object' : 'not an array');
  return raw.map((item) => (isJsonObject(item) ? item : fail('an entry is not an object')));
}

/** The one page of an endpoint that answers a bare array: every record, no cursor. */
export async function* arrayPage(fetch: () => Promise<unknown>, label: string): AsyncGenerator<PageResult> {
  const items = parseArray(await fetch(), label);
  yield { items, endCursor: null, hasNextPage: false, total: items.length, after: null, next: null };
}
