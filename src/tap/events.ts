import type { JsonObject } from './json.js';
import type { StreamState } from './state/state.js';

export type JsonSchema = JsonObject;

/**
 * What one full read of a stream covers, where that is less than every row it ever had: a child's
 * read covers only the parents it listed (`parents`: the columns naming the parent), a windowed
 * read only its time window (`window`, [from, to) in epoch seconds on `column`). A full refresh
 * replaces the rows inside its coverage and keeps the rest (a departed member's billing, days
 * older than the history read).
 */
export interface Coverage {
  parents?: readonly string[];
  window?: { column: string; from: number; to: number };
  /** Only rows whose `column` holds one of `values`, or null (an enterprise read limited by org_ids). */
  values?: { column: string; values: readonly string[] };
}
/**
 * One request of a windowed read: the stream's rows inside `window` whose columns hold `match`'s
 * values (a parent's `{user_id: ...}`, a part's fields; empty: every row) are the records that
 * follow, and only those. A day the API no longer lists (usage corrected to zero) is absent from
 * them: a target that can delete removes the rows of the scope the records do not send again.
 */
export interface RereadScope {
  window: { column: string; from: number; to: number };
  match: JsonObject;
}

export type StreamStatus = 'started' | 'running' | 'complete' | 'incomplete';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface StreamCounters {
  records: number;
  requests: number;
  retries: number;
  /** Records not emitted as records for want of a valid primary key (see the `rejected` event). */
  rejected?: number;
  /** Records read but not emitted because an earlier run already did (incremental only). */
  unchanged?: number;
  /** Seconds spent on requests so far, retries and back-off included. */
  requestSeconds?: number;
}

/**
 * The one internal model every output consumes (Airbyte, Singer, database targets).
 * Outputs never reach into the tap; they only see these events.
 */
export type TapEvent =
  | {
      kind: 'schema';
      stream: string;
      schema: JsonSchema;
      keys: readonly string[];
      cursorField: string | null;
      /** Absent: a full read covers every row of the stream. */
      coverage?: Coverage;
    }
  | { kind: 'record'; stream: string; data: JsonObject; emittedAt: number }
  /** Comes before the records of its scope (possibly none): see RereadScope. */
  | { kind: 'reread'; stream: string; scope: RereadScope }
  /**
   * A record the tap will not emit as a record (no valid primary key, ...). Never part of a state.
   * `data` has had the stream's secrets rules applied; targets keep it in `_devin_tap_rejected`.
   */
  | { kind: 'rejected'; stream: string; reason: string; data: JsonObject; emittedAt: number }
  /**
   * `recordCount`: records of this stream emitted since the previous state event of the stream;
   * `rejectedCount`: records rejected in that span (Airbyte sourceStats.rejectedRecordCount).
   */
  | { kind: 'state'; stream: string; state: StreamState; recordCount: number; rejectedCount?: number }
  /**
   * `coverage` on `complete` (and on a partial `stream_error`): what the read turned out to cover
   * (the parents read in full), which replaces the schema event's for a full refresh's swap.
   */
  | { kind: 'status'; stream: string; status: StreamStatus; coverage?: Coverage }
  /** A stream failed; the others go on. `failure` maps to Airbyte's failure_type. */
  | {
      kind: 'stream_error';
      stream: string;
      message: string;
      failure: 'config_error' | 'system_error' | 'transient_error';
      internalMessage?: string;
      /** What was read is kept (a state came first): only some parents' parts failed. */
      partial?: true;
      coverage?: Coverage;
    }
  | { kind: 'log'; level: LogLevel; message: string }
  /** Progress for humans: emitted after each page; `total` where the API gives one. */
  | { kind: 'progress'; stream: string; counters: StreamCounters; total: number | null };
