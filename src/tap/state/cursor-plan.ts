import type { JsonObject } from '../json.js';
import type { PartitionPlan } from './partitions.js';
import { type CursorState, STATE_VERSION } from './stream-state.js';

export type SyncMode = 'full_refresh' | 'incremental';

/** Largest `recent` map kept in a state; beyond it the oldest entries go (they may be re-emitted once). */
export const MAX_RECENT = 10_000;

/** How one stream is read this run, decided once at its start from its state (pure). */
export interface ReadPlan {
  mode: SyncMode;
  /** Page cursor to resume from (a checkpoint of an unfinished incremental read). */
  startAfter: string | null;
  /** A child's parents whose children the interrupted read had all read past `startAfter`. */
  resumeDone: ReadonlySet<string>;
  /** Pages the resumed read had done (0 on a fresh read; null: a checkpoint that did not say). */
  pages: number | null;
  /** Server-side filters (streams with serverFilters); null = not sent. */
  createdAfter: number | null;
  updatedAfter: number | null;
  /** Only ever set when resuming a checkpoint written with one (the same query keeps its page cursor valid). */
  updatedBefore: number | null;
  /** Time window of a windowed endpoint (consumption), [from, to). */
  window: { from: number; to: number } | null;
  /** A windowed child read for every parent: each parent's window starts from its own progress. */
  partition: PartitionPlan | null;
  /** Emission filter: the previous bookmark and its window; null emits everything. */
  previous: { cursor: number; recent: Readonly<Record<string, number>> } | null;
  lookback: number;
  /** Highest cursor value seen so far in this (possibly resumed) read. */
  maxSeen: number | null;
}

export interface PlanInputs {
  mode: SyncMode;
  startDate: number | null;
  lookback: number;
  nowSeconds: number;
  /** Windowed streams: how far the first read goes back, how much later reads re-read. */
  window?: { historySeconds: number; trailingSeconds: number };
  /** A windowed child read for every parent: progress is kept per parent (see partitions.ts). */
  partitioned?: boolean;
}

export function planRead(state: CursorState, inputs: PlanInputs): ReadPlan {
  const resume = inputs.mode === 'incremental' ? state.checkpoint : null;
  const base = {
    mode: inputs.mode,
    lookback: inputs.lookback,
    startAfter: resume?.after ?? null,
    resumeDone: new Set(resume?.done ?? []),
    pages: resume ? resume.pages : 0,
    maxSeen: resume?.maxSeen ?? null,
    updatedBefore: resume?.upperBound ?? null,
  };
  const bookmark = inputs.mode === 'incremental' ? state.cursor : null;
  if (inputs.window) {
    const { historySeconds, trailingSeconds } = inputs.window;
    const firstFrom = inputs.startDate ?? inputs.nowSeconds - historySeconds;
    const partition = inputs.partitioned
      ? { readThrough: inputs.mode === 'incremental' ? state.partitions : {}, firstFrom, trailingSeconds }
      : null;
    const from = bookmark === null || partition ? firstFrom : bookmark - trailingSeconds;
    const window = resume
      ? { from: resume.lowerBound ?? from, to: resume.upperBound ?? inputs.nowSeconds }
      : { from, to: inputs.nowSeconds };
    const none = { updatedBefore: null, createdAfter: null, updatedAfter: null, previous: null };
    return { ...base, ...none, window, partition };
  }
  if (bookmark === null) {
    // A first read asks for everything since start_date, with no upper bound.
    const none = { updatedAfter: null, window: null, previous: null, partition: null };
    return { ...base, createdAfter: inputs.startDate, ...none };
  }
  // Incremental with a bookmark: start_date no longer applies (the state wins).
  return {
    ...base,
    createdAfter: null,
    updatedAfter: resume ? resume.lowerBound : Math.max(0, bookmark - inputs.lookback),
    window: null,
    partition: null,
    previous: { cursor: bookmark, recent: state.recent },
  };
}

/** The record's cursor value: the cursor field, else the fallback (null updated_at on secrets). */
export function cursorValue(record: JsonObject, field: string | null, fallback?: string): number | null {
  if (field === null) return null;
  const value = record[field];
  if (typeof value === 'number') return value;
  const other = fallback === undefined ? undefined : record[fallback];
  return typeof other === 'number' ? other : null;
}

/**
 * Emit a record unless an earlier read already did: its value is at or below the bookmark, and
 * either below the lookback window or inside it (its edges included: the server serves
 * `updated_after` inclusively) with the very value recorded in `recent`. With no lookback the
 * window is the bookmark's own second, where a record can be new although its value equals the
 * bookmark.
 */
export function isNew(plan: ReadPlan, key: string, value: number | null): boolean {
  if (plan.previous === null || value === null) return true;
  const { cursor, recent } = plan.previous;
  if (value > cursor) return true;
  if (value < windowFloor(cursor, plan.lookback)) return false;
  return recent[key] !== value;
}

/** The lowest cursor value inside the lookback window ending at `cursor` (inclusive). */
export function windowFloor(cursor: number, lookback: number): number {
  return cursor - lookback;
}

/** Key -> value of records emitted this run inside the moving lookback window (bounded). */
export class WindowCollector {
  private readonly entries = new Map<string, number>();

  add(key: string, value: number | null, maxSeen: number | null, lookback: number): void {
    if (value === null || (maxSeen !== null && value < windowFloor(maxSeen, lookback))) return;
    this.entries.set(key, value);
    if (this.entries.size > 2 * MAX_RECENT && maxSeen !== null) this.prune(windowFloor(maxSeen, lookback));
  }

  /** Drops the entries below `floor` (no later read can be served them again). */
  prune(floor: number): void {
    for (const [key, value] of this.entries) if (value < floor) this.entries.delete(key);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.entries);
  }
}

export function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** State while a read is unfinished: the old bookmark stays, the checkpoint records progress. */
export function checkpointState(
  state: CursorState,
  plan: ReadPlan,
  progress: { after: string | null; maxSeen: number | null; pages: number; done?: readonly string[] },
  partitions: Readonly<Record<string, number>> = {},
): CursorState {
  const keep = plan.mode === 'incremental' ? state : { ...state, cursor: null, recent: {} };
  const bounds = plan.window
    ? { lowerBound: plan.window.from, upperBound: plan.window.to }
    : { lowerBound: plan.updatedAfter, upperBound: plan.updatedBefore };
  return { ...keep, checkpoint: { done: [], ...progress, ...bounds }, partitions };
}

/**
 * State once a stream was read to its end: the bookmark advances (a windowed stream's to its
 * latest day, from which the next read re-reads its trailing days), the lookback window is trimmed to it.
 */
export function completedState(
  state: CursorState,
  plan: ReadPlan,
  maxSeen: number | null,
  emitted: Readonly<Record<string, number>>,
  partitions: Readonly<Record<string, number>> = {},
): CursorState {
  const previousCursor = plan.previous?.cursor ?? null;
  const cursor = maxOf(previousCursor, maxSeen);
  const merged: Record<string, number> = plan.window ? {} : { ...(plan.previous?.recent ?? {}), ...emitted };
  const floor = cursor === null ? Number.NEGATIVE_INFINITY : windowFloor(cursor, plan.lookback);
  const kept = Object.entries(merged)
    .filter(([, value]) => value >= floor)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_RECENT);
  return {
    version: STATE_VERSION,
    stream: state.stream,
    cursor,
    recent: Object.fromEntries(kept),
    checkpoint: null,
    partitions,
    orgIds: state.orgIds,
  };
}
