import type { Coverage, RereadScope } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import type { WriteRows } from './row-batch.js';
import type { RunRecord } from './runs-table.js';

export interface StreamSchema {
  name: string;
  schema: JsonObject;
  keys: readonly string[];
}

/** A record kept in `_devin_tap_rejected` instead of its stream's table. */
export interface RejectedRecord {
  stream: string;
  reason: string;
  record: JsonObject;
  /** Epoch milliseconds. */
  rejectedAt: number;
}

export interface WriteStats {
  inserted: number;
  /** Rows whose key existed and whose content changed. */
  updated: number;
  /** Rows whose key existed with the same content (only `_extracted_at` rewritten). */
  unchanged?: number;
  /** Rows whose key value the table's key column cannot hold: kept in `_devin_tap_rejected` instead. */
  rejected?: number;
}

export type TargetKind = 'duckdb' | 'sqlite';

/** A table whose columns `migrate` retyped. */
export interface MigratedColumns {
  table: string;
  columns: string[];
  /** The table was rebuilt without the primary-key index an earlier release gave it (DuckDB). */
  keyIndexDropped?: boolean;
}

/**
 * A database that stream rows land in. Calls are made one at a time (await each).
 *
 * Transactions: `write` runs inside an open transaction; `checkpoint` commits every row written
 * since the previous checkpoint together with the given state, in one transaction. `close` discards
 * rows no checkpoint covered, so a killed or failed run leaves the database at its last checkpoint.
 * `checkpoint({})` commits the pending rows without touching any state.
 */
export interface Target {
  readonly kind: TargetKind;
  readonly path: string;
  /**
   * Whether `write` is best given encoded rows (see EncodedRows): a target that goes through them
   * row by row. Others are given objects (they would parse every row of the batch first).
   */
  readonly takesEncodedRows?: boolean;
  /** Creates missing tables and adds missing columns. Nothing is ever dropped or retyped. */
  prepare(streams: readonly StreamSchema[]): Promise<void>;
  /**
   * Retypes, in one transaction, the time columns of these streams' existing tables that an earlier
   * devin-tap stored otherwise (DuckDB: BIGINT epoch seconds, now TIMESTAMPTZ); rows are unchanged.
   * Returns what was retyped ([] when nothing was, always on SQLite: epoch seconds there as before).
   */
  migrate(streams: readonly StreamSchema[]): Promise<MigratedColumns[]>;
  /**
   * Upserts on the primary key (appends when the stream has no keys); within one call the last row
   * of a key wins. `extractedAt` (epoch ms per row) defaults to now; encoded rows carry their own.
   */
  write(stream: string, rows: WriteRows, extractedAt?: readonly number[]): Promise<WriteStats>;
  /**
   * Deletes, in the open transaction, the stream's rows inside `scope` that none of `kept` (the
   * records a re-read sent for it) has the key of: the re-read replaces the scope's rows. A stream
   * under full refresh is left alone (its swap replaces its coverage).
   */
  clearScope(stream: string, scope: RereadScope, kept: readonly JsonObject[]): Promise<void>;
  /** Commits the rows written so far and stores the given streams' states, in one transaction. */
  checkpoint(state: TapState): Promise<void>;
  /** The stored state of every stream (the reserved Singer key excluded). */
  readState(): Promise<TapState>;
  /**
   * Full refresh: until `completeFullRefresh`, the stream's writes go to a staging copy of its table.
   * `completeFullRefresh` replaces the table's rows inside `coverage` (all of them without one) with
   * the staging rows and stores `state`, in one transaction; `abortFullRefresh` (or a crash) leaves
   * the old rows in place.
   */
  beginFullRefresh(stream: string, coverage?: Coverage): Promise<void>;
  /** `coverage`, when given, is what the read turned out to cover (it replaces the one given at the start). */
  completeFullRefresh(stream: string, state?: TapState, coverage?: Coverage): Promise<void>;
  abortFullRefresh(stream: string): Promise<void>;
  /**
   * Keeps rejected records in `_devin_tap_rejected`, in the open transaction (committed with the next
   * checkpoint). A record already kept for the stream is not kept twice.
   */
  reject(records: readonly RejectedRecord[]): Promise<void>;
  /**
   * Throws a TargetError naming the first of these tables or views (and of devin-tap's own tables)
   * that exists but was not created by devin-tap, with the way out. Changes nothing.
   */
  checkObjects(names: readonly string[]): Promise<void>;
  /** Names of the tables in the database (views excluded). */
  tableNames(): Promise<Set<string>>;
  /**
   * Commits pending rows, then runs schema statements (such as the analyst views) in one transaction,
   * recording `views` as created by devin-tap.
   */
  execute(statements: readonly string[], views?: readonly string[]): Promise<void>;
  /**
   * Stores a run's row in `_devin_tap_runs` (created when missing), committed at once. Rows no
   * checkpoint covered are discarded first, as `close` would: call it before the first write and
   * after the last checkpoint (or when the run has failed or been interrupted).
   */
  recordRun(run: RunRecord): Promise<void>;
  close(): Promise<void>;
}

/** Key of `_devin_tap_state` holding the last Singer STATE of `devin-tap load`. */
export const SINGER_STATE_KEY = '_singer';
export const STATE_TABLE = '_devin_tap_state';
/** Key of `_devin_tap_state` recording the scope the database holds (`{"scope": "enterprise"}`). */
export const SCOPE_STATE_KEY = '_scope';
/** Records the tap would not emit (no valid primary key, ...): stream, reason, record JSON, rejected_at. */
export const REJECTED_TABLE = '_devin_tap_rejected';
/** Prefix of every table devin-tap keeps for itself: no stream may be named so. */
export const META_PREFIX = '_devin_tap_';
/** Prefix of the staging tables that hold a full refresh in progress. */
export const REFRESH_PREFIX = '_devin_tap_refresh_';
/** How a database another process writes to is named, in both engines' errors. */
export const IN_USE = 'is in use by another process';
