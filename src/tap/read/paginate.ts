import { PaginationError, SchemaError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';

/** One page of the v3 envelope, checked. */
export interface Page {
  items: JsonObject[];
  endCursor: string | null;
  hasNextPage: boolean;
  total: number | null;
}

/** A page plus where it came from and where the next one starts (for checkpoints). */
export interface PageResult extends Page {
  /** The `after` this page was requested with (null for the first page). */
  after: string | null;
  /** The `after` of the next page, or null when this was the last page. */
  next: string | null;
  /**
   * A windowed read's page: the span of the cursor field whose rows are this page's records and no
   * others (absent when the page covers no span of its own). See RereadScope.
   */
  covers?: { from: number; to: number; fields: JsonObject };
}

/** Fetches one page: `first` and (except on the first page) `after`; returns the raw JSON body. */
export type PageFetcher = (query: { first: number; after?: string }) => Promise<unknown>;

/** Checks the `{items, end_cursor, has_next_page, total}` envelope at the API boundary. */
export function parsePage(raw: unknown, label: string): Page {
  const fail = (what: string): never => {
    throw new SchemaError(`${label}: the API returned a page that is not a v3 list envelope (${what})`);
  };
  if (!isJsonObject(raw)) return fail('not a JSON object');
  const { items, end_cursor: endCursor, has_next_page: hasNextPage, total } = raw;
  if (!Array.isArray(items)) return fail('items is not an array');
  const records: JsonObject[] = [];
  for (const item of items) {
    if (!isJsonObject(item)) return fail('an item is not an object');
    records.push(item);
  }
  if (typeof hasNextPage !== 'boolean') return fail('has_next_page is not a boolean');
  if (endCursor !== null && endCursor !== undefined && typeof endCursor !== 'string') {
    return fail('end_cursor is neither a string nor null');
  }
  if (total !== null && total !== undefined && typeof total !== 'number')
    return fail('total is not a number');
  return { items: records, endCursor: endCursor ?? null, hasNextPage, total: total ?? null };
}

/**
 * Every page of a list endpoint, in order: `first` = pageSize, `after` = the previous end_cursor.
 * Stops when has_next_page is false. A cursor seen twice is a PaginationError (following it would
 * loop forever), as is has_next_page without a cursor. `startAfter` resumes from a checkpoint.
 */
export async function* paginate(
  fetchPage: PageFetcher,
  options: { pageSize: number; label: string; startAfter?: string | null },
): AsyncGenerator<PageResult> {
  const seen = new Set<string>();
  let after = options.startAfter ?? null;
  if (after !== null) seen.add(after);
  for (;;) {
    const raw = await fetchPage(
      after === null ? { first: options.pageSize } : { first: options.pageSize, after },
    );
    const page = parsePage(raw, options.label);
    let next: string | null = null;
    if (page.hasNextPage) {
      if (page.endCursor === null || page.endCursor === '') {
        throw new PaginationError(`${options.label}: has_next_page is true but end_cursor is empty`);
      }
      if (seen.has(page.endCursor)) {
        throw new PaginationError(
          `${options.label}: the API returned the same page cursor twice; stopping instead of looping forever`,
        );
      }
      seen.add(page.endCursor);
      next = page.endCursor;
    }
    yield { ...page, after, next };
    if (next === null) return;
    after = next;
  }
}

/** Fetches one page of a `limit`/`offset` list; returns the raw JSON body (a v3 envelope). */
export type OffsetFetcher = (query: { limit: number; offset: number }) => Promise<unknown>;

/**
 * Every page of a `limit`/`offset` list, in order, until has_next_page is false. The next offset
 * counts the items served; a page that says there is more but serves nothing is a PaginationError
 * (asking again would loop forever). `startAfter` (an offset) resumes from a checkpoint.
 */
export async function* paginateOffset(
  fetchPage: OffsetFetcher,
  options: { limit: number; label: string; startAfter?: string | null },
): AsyncGenerator<PageResult> {
  const resume = Number(options.startAfter ?? 0);
  let offset = Number.isSafeInteger(resume) && resume > 0 ? resume : 0;
  for (;;) {
    const page = parsePage(await fetchPage({ limit: options.limit, offset }), options.label);
    let next: string | null = null;
    if (page.hasNextPage) {
      if (page.items.length === 0) {
        throw new PaginationError(
          `${options.label}: has_next_page is true but the page at offset ${offset} is empty; stopping instead of looping forever`,
        );
      }
      next = String(offset + page.items.length);
    }
    yield { ...page, after: offset === 0 ? null : String(offset), next };
    if (next === null) return;
    offset += page.items.length;
  }
}
