import { SchemaError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { WindowPaging } from '../streams/index.js';
import type { PageResult } from './paginate.js';

const DAY = 86_400;

/** Fetches one window; returns the raw JSON body. */
export type WindowFetcher = (query: Record<string, number>) => Promise<unknown>;

/** The records of one window's answer: an array of objects under `paging.records`. */
export function parseWindow(raw: unknown, paging: WindowPaging, label: string): JsonObject[] {
  const fail = (what: string): never => {
    throw new SchemaError(`${label}: the API returned an answer without ${paging.records} (${what})`);
  };
  if (!isJsonObject(raw)) return fail('not a JSON object');
  const items = raw[paging.records];
  if (!Array.isArray(items)) return fail(`${paging.records} is not an array`);
  return items.map((item) => (isJsonObject(item) ? item : fail('an entry is not an object')));
}

/**
 * One answer's records with a key listed twice kept once: the last value, as `load` and an upsert
 * keep it, in the place of its last listing.
 */
export function lastOfEachKey(
  records: readonly JsonObject[],
  keyOf: (record: JsonObject) => string,
): JsonObject[] {
  const last = new Map<string, number>();
  for (const [index, record] of records.entries()) last.set(keyOf(record), index);
  return records.filter((record, index) => last.get(keyOf(record)) === index);
}

/**
 * [from, to) in requests of at most maxDaysPerRequest days, oldest first; each window is a page
 * whose cursor is the next window's start (a checkpoint resumes there). A record repeated at a
 * window boundary is yielded once (`keyOf`),
 * from the first window; a key listed twice in one answer keeps its last value.
 */
export async function* windowPages(
  fetchWindow: WindowFetcher,
  options: {
    paging: WindowPaging;
    window: { from: number; to: number };
    startAfter: string | null;
    label: string;
    keyOf: (record: JsonObject) => string;
  },
): AsyncGenerator<PageResult> {
  const { paging, window } = options;
  const seen = new Set<string>();
  const resumeAt = options.startAfter === null ? Number.NaN : Number(options.startAfter);
  let start = Number.isFinite(resumeAt) ? Math.max(window.from, resumeAt) : window.from;
  const span = paging.maxDaysPerRequest * DAY;
  while (start < window.to) {
    const end = Math.min(start + span, window.to);
    const raw = await fetchWindow({ [paging.afterParam]: start, [paging.beforeParam]: end });
    const items = lastOfEachKey(parseWindow(raw, paging, options.label), options.keyOf).filter((record) => {
      const key = options.keyOf(record);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const next = end < window.to ? String(end) : null;
    yield { items, endCursor: next, hasNextPage: next !== null, total: null, after: String(start), next };
    start = end;
  }
}
