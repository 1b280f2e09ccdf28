import { SchemaError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { WindowAnswer, WindowPaging, WindowPart } from '../streams/index.js';
import { parseArray } from './array-page.js';
import { type PageResult, paginate } from './paginate.js';
import { requestWindows } from './periods.js';

/** Fetches one window of one part (null: the stream has no parts); returns the raw JSON body. */
export type WindowFetcher = (
  part: WindowPart | null,
  query: Record<string, number | string>,
) => Promise<unknown>;

/** The records of one window's answer, as `answer` says they come; an aggregate is dated `start`. */
export function parseWindow(
  raw: unknown,
  answer: Exclude<WindowAnswer, { kind: 'pages' }>,
  label: string,
  start: number,
): JsonObject[] {
  if (answer.kind === 'array') return parseArray(raw, label);
  const what = answer.kind === 'list' ? answer.field : 'an aggregate object';
  const fail = (why: string): never => {
    throw new SchemaError(`${label}: the API returned an answer without ${what} (${why})`);
  };
  if (!isJsonObject(raw)) return fail('not a JSON object');
  if (answer.kind === 'aggregate') return [{ ...raw, [answer.dateField]: start }];
  const items = raw[answer.field];
  if (!Array.isArray(items)) return fail(`${answer.field} is not an array`);
  return items.map((item) => (isJsonObject(item) ? item : fail('an entry is not an object')));
}

interface Request {
  part: number;
  start: number;
  end: number;
}

/** A checkpoint cursor: the window's start, prefixed by its part when the stream has parts. */
const cursorOf = (paging: WindowPaging, request: Request) =>
  paging.parts ? `${request.part}:${request.start}` : String(request.start);

function resumePoint(paging: WindowPaging, startAfter: string | null): { part: number; start: number } {
  const [part, start] = paging.parts ? (startAfter ?? '').split(':') : ['0', startAfter ?? ''];
  const parsed = { part: Number(part), start: Number(start) };
  return Number.isSafeInteger(parsed.part) && Number.isFinite(parsed.start) && start !== ''
    ? parsed
    : { part: 0, start: Number.NEGATIVE_INFINITY };
}

/** Every request of the read, in order, from the resume point on. */
function plannedRequests(
  paging: WindowPaging,
  window: { from: number; to: number },
  startAfter: string | null,
) {
  const resume = resumePoint(paging, startAfter);
  const parts = paging.parts ?? [undefined];
  return parts.flatMap((part, index): Request[] => {
    if (index < resume.part) return [];
    const from = index === resume.part ? Math.max(window.from, resume.start) : window.from;
    return requestWindows(from, window.to, paging.maxDaysPerRequest, part?.align ?? paging.align).map(
      ([start, end]) => ({ part: index, start, end }),
    );
  });
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
 * The span a page's records replace: its request's, less what earlier pages of the same part
 * yielded (a day listed at a window's edge is yielded once, by the first page that lists it).
 * Null when nothing is left.
 */
function coveredSpan(
  request: Request,
  yieldedThrough: number | null,
  fields: JsonObject,
): PageResult['covers'] | undefined {
  const from = yieldedThrough === null ? request.start : Math.max(request.start, yieldedThrough + 1);
  return from < request.end ? { from, to: request.end, fields } : undefined;
}

/** The highest safe-integer value of `dateOf` among `records`, or `through`. */
function latest(
  records: readonly JsonObject[],
  dateOf: (record: JsonObject) => unknown,
  through: number | null,
): number | null {
  let max = through;
  for (const record of records) {
    const value = dateOf(record);
    if (Number.isSafeInteger(value) && (max === null || (value as number) > max)) max = value as number;
  }
  return max;
}

/**
 * [from, to) in requests of at most maxDaysPerRequest days (aligned to the paging's periods), oldest
 * first, part after part; each request is a page whose cursor is the next request (a checkpoint
 * resumes there). A part's fields are added to its records; a record repeated at a window boundary
 * is yielded once (`keyOf`).
 * A key listed twice in one answer keeps its last value.
 */
export async function* windowPages(
  fetchWindow: WindowFetcher,
  options: {
    paging: WindowPaging;
    window: { from: number; to: number };
    startAfter: string | null;
    label: string;
    keyOf: (record: JsonObject) => string;
    /** Items per page where each window's answer is a paged list. */
    pageSize: number;
    /** The record's cursor value (its day): each page says which span it replaces (`covers`). */
    dateOf?: (record: JsonObject) => unknown;
  },
): AsyncGenerator<PageResult> {
  const { paging, dateOf } = options;
  // Keys yielded: a record repeated at a window boundary (or in every window, by a hostile server) is
  // yielded once. Paged windows (audit logs) can hold many records: there only this window's and the
  // one before are kept, which is where a boundary repeat can come from.
  let seen = new Set<string>();
  let before = new Set<string>();
  const firstSight = (key: string): boolean => {
    if (seen.has(key) || before.has(key)) return false;
    seen.add(key);
    return true;
  };
  let yielded = null as { part: number; through: number | null } | null;
  const requests = plannedRequests(paging, options.window, options.startAfter);
  for (const [index, request] of requests.entries()) {
    if (paging.answer.kind === 'pages') [before, seen] = [seen, new Set()];
    const part = paging.parts?.[request.part] ?? null;
    const query = { [paging.afterParam]: request.start, [paging.beforeParam]: request.end };
    const following = requests[index + 1];
    const next = following ? cursorOf(paging, following) : null;
    const after = cursorOf(paging, request);
    const answer = paging.answer;
    if (answer.kind === 'pages') {
      // A checkpoint inside a window resumes at the window's start: its records are upserted again.
      // No page covers a span (another page of the window holds the rest): nothing is deleted.
      const pages = paginate((page) => fetchWindow(part, { ...query, ...page }), {
        pageSize: options.pageSize,
        label: options.label,
      });
      for await (const page of pages) {
        const items = page.items.filter((record) => firstSight(options.keyOf(record)));
        const pageNext = page.next === null ? next : after;
        yield { ...page, items, total: null, after, next: pageNext, hasNextPage: pageNext !== null };
      }
      continue;
    }
    const raw = await fetchWindow(part, query);
    const items = lastOfEachKey(parseWindow(raw, answer, options.label, request.start), options.keyOf)
      .map((record) => (part ? { ...record, ...part.fields } : record))
      .filter((record) => firstSight(options.keyOf(record)));
    const page: PageResult = { items, endCursor: next, hasNextPage: next !== null, total: null, after, next };
    if (dateOf !== undefined) {
      const through: number | null = yielded?.part === request.part ? yielded.through : null;
      const covers = coveredSpan(request, through, part?.fields ?? {});
      if (covers !== undefined) page.covers = covers;
      yielded = { part: request.part, through: latest(items, dateOf, through) };
    }
    yield page;
  }
}
