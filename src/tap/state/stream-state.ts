import { StateError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { epochSecondsFromIso } from '../timestamps.js';
import { isFutureCursor, isPlausibleCursor } from './cursor-sanity.js';
import type { StreamState } from './state.js';

/**
 * The one per-stream state format, versioned (a later tap reads what an earlier one wrote):
 *
 *   { "version": 1, "stream": "sessions",
 *     "cursor": 1735689600,                 // bookmark: highest cursor value of a completed read
 *     "recent": { "devin-ab12": 1735689000 },// keys already emitted with a value inside the lookback window
 *     "checkpoint": { "after": "b64+/=", "lower_bound": 1735686000, "upper_bound": 1735700000,
 *                     "max_seen": 1735699000, "pages": 12 },    // only while a read is unfinished
 *     "partitions": { "email|ab": 1735700000 } }  // windowed children: each parent read through when
 *
 * `cursor` only advances when a stream has been read to its end (lists are sorted by created_at,
 * not by the cursor). `recent` makes the lookback window safe: records re-requested inside it are
 * emitted again only when their value changed, so an unchanged organization yields nothing.
 * `partitions` (absent when empty) is per-parent progress of a windowed child read for every parent:
 * a parent not in it (a member who joined since) has its whole history read.
 */
export const STATE_VERSION = 1;

export interface Checkpoint {
  /** Page cursor to resume from; null: from the first page (a child's parents done on it in `done`). */
  after: string | null;
  /** Server-side updated_after of the interrupted read (null: none). */
  lowerBound: number | null;
  /** Server-side updated_before fixed when the interrupted read started. */
  upperBound: number | null;
  /** Highest cursor value seen before the checkpoint. */
  maxSeen: number | null;
  /**
   * Pages of the (shared) read done before the checkpoint. When a parent's and a child's
   * checkpoints differ (one was committed later), the read resumes from the one behind.
   */
  pages: number | null;
  /**
   * A child stream's parents past `after` whose children were all read (the parents' page was still
   * open): the resumed read skips them. Bounded by about two pages of parents.
   */
  done: readonly string[];
}

export interface CursorState {
  version: typeof STATE_VERSION;
  stream: string;
  cursor: number | null;
  recent: Readonly<Record<string, number>>;
  checkpoint: Checkpoint | null;
  /** Parent key -> epoch second its children were read through (windowed children only). */
  partitions: Readonly<Record<string, number>>;
  /**
   * The organizations an enterprise list was read for (`org_ids`); null: all of them. A later read of
   * more organizations reads the list from the start: the bookmark says nothing of the others.
   */
  orgIds: readonly string[] | null;
}

export function emptyState(stream: string): CursorState {
  return {
    version: STATE_VERSION,
    stream,
    cursor: null,
    recent: {},
    checkpoint: null,
    partitions: {},
    orgIds: null,
  };
}

const KNOWN_FIELDS = new Set([
  'version',
  'stream',
  'cursor',
  'recent',
  'checkpoint',
  'partitions',
  'org_ids',
]);

function parseOrgIds(raw: unknown, fail: (why: string) => never): readonly string[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) || !raw.every((id) => typeof id === 'string'))
    return fail('"org_ids" must be a list of organization ids');
  return raw;
}

function numberOrNull(value: unknown, field: string, fail: (why: string) => never): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value))
    return fail(`"${field}" must be a number or null`);
  return value;
}

function parseCheckpoint(raw: unknown, fail: (why: string) => never): Checkpoint | null {
  if (raw === null || raw === undefined) return null;
  if (!isJsonObject(raw)) return fail('"checkpoint" must be an object or null');
  const fromStart = raw.after === null && Array.isArray(raw.done);
  if (!fromStart && (typeof raw.after !== 'string' || raw.after === ''))
    return fail('"checkpoint.after" must be a page cursor');
  const done = raw.done ?? [];
  if (!Array.isArray(done) || !done.every((key) => typeof key === 'string'))
    return fail('"checkpoint.done" must be a list of parent keys');
  return {
    after: typeof raw.after === 'string' ? raw.after : null,
    done,
    lowerBound: numberOrNull(raw.lower_bound, 'checkpoint.lower_bound', fail),
    upperBound: numberOrNull(raw.upper_bound, 'checkpoint.upper_bound', fail),
    maxSeen: numberOrNull(raw.max_seen, 'checkpoint.max_seen', fail),
    pages: numberOrNull(raw.pages, 'checkpoint.pages', fail),
  };
}

function parseKeyTimes(
  raw: unknown,
  field: 'recent' | 'partitions',
  fail: (why: string) => never,
): Record<string, number> {
  if (raw === undefined) return {};
  const why = `"${field}" must be an object of key -> epoch seconds`;
  if (!isJsonObject(raw)) return fail(why);
  const times: Record<string, number> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(why);
    times[key] = value;
  }
  return times;
}

/**
 * Strict parser of one stream's state. Absent state (undefined) is a first run; anything else must
 * be a state this tap wrote, for this stream: otherwise a StateError naming the stream (never a
 * silent full re-read). With `nowSeconds`, a bookmark that is no epoch second since 2000 (a
 * fraction, milliseconds below 2000...) is refused too; one in the future is accepted (the caller
 * warns): a read from it finds nothing.
 */
export function parseStreamState(
  stream: string,
  raw: StreamState | undefined,
  nowSeconds?: number,
): CursorState {
  if (raw === undefined) return emptyState(stream);
  const fail = (why: string): never => {
    throw new StateError(`Invalid state for stream "${stream}": ${why}`);
  };
  if (!isJsonObject(raw)) return fail('expected a JSON object');
  if (raw.version !== STATE_VERSION) {
    return fail(
      raw.version === undefined
        ? `no "version" field (expected ${STATE_VERSION}); was it written by devin-tap?`
        : `unknown version ${JSON.stringify(raw.version)} (this devin-tap reads version ${STATE_VERSION})`,
    );
  }
  if (raw.stream !== stream) return fail(`it belongs to stream ${JSON.stringify(raw.stream)}`);
  const unknown = Object.keys(raw).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) return fail(`unknown field(s) ${unknown.map((key) => `"${key}"`).join(', ')}`);
  // Emitted as epoch seconds; an ISO 8601 instant (the form records show it in) is read too.
  const cursor = numberOrNull(epochSecondsFromIso(raw.cursor), 'cursor', (why) =>
    fail(`${why} (epoch seconds; an ISO 8601 instant like 2026-01-05T08:00:00Z is read too)`),
  );
  const usable = (value: number, now: number) => isPlausibleCursor(value, now) || isFutureCursor(value, now);
  if (cursor !== null && nowSeconds !== undefined && !usable(cursor, nowSeconds)) {
    fail(
      `"cursor" ${cursor} is not an epoch second since 2000-01-01; ` +
        'remove the state of this stream to read it again in full',
    );
  }
  return {
    version: STATE_VERSION,
    stream,
    cursor,
    recent: parseKeyTimes(raw.recent, 'recent', fail),
    checkpoint: parseCheckpoint(raw.checkpoint, fail),
    partitions: parseKeyTimes(raw.partitions, 'partitions', fail),
    orgIds: parseOrgIds(raw.org_ids, fail),
  };
}

export function serializeState(state: CursorState): JsonObject {
  const checkpoint = state.checkpoint;
  return {
    version: state.version,
    stream: state.stream,
    cursor: state.cursor,
    recent: { ...state.recent },
    checkpoint: checkpoint
      ? {
          after: checkpoint.after,
          lower_bound: checkpoint.lowerBound,
          upper_bound: checkpoint.upperBound,
          max_seen: checkpoint.maxSeen,
          ...(checkpoint.pages === null ? {} : { pages: checkpoint.pages }),
          ...(checkpoint.done.length > 0 ? { done: [...checkpoint.done] } : {}),
        }
      : null,
    ...(Object.keys(state.partitions).length > 0 ? { partitions: { ...state.partitions } } : {}),
    ...(state.orgIds === null ? {} : { org_ids: [...state.orgIds] }),
  };
}
