import type { JsonObject } from '../json.js';
import { type CursorState, STATE_VERSION } from './stream-state.js';

export type SyncMode = 'full_refresh' | 'incremental';

/** Largest `recent` map kept in a state; beyond it the oldest entries go (they may be re-emitted once). */
export const MAX_RECENT = 10_000;

/** How one stream is read this run, decided once at its start from its state (pure). */
export interface ReadPlan {
  mode: SyncMode;
  /** Page cursor to resume from (a checkpoint of an unfinished incremental read). */
  startAfter: string | null;
  /** Server-side filters (sessions, sessions_insights); null = not sent. */
  createdAfter: number | null;
  updatedAfter: number | null;
  updatedBefore: number | null;
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
}

export function planRead(state: CursorState, inputs: PlanInputs): ReadPlan {
  const base = { mode: inputs.mode, lookback: inputs.lookback };
  if (inputs.mode === 'full_refresh' || state.cursor === null) {
    const resume = inputs.mode === 'incremental' ? state.checkpoint : null;
    return {
      ...base,
      startAfter: resume?.after ?? null,
      createdAfter: inputs.startDate,
      updatedAfter: null,
      updatedBefore: inputs.mode === 'incremental' ? (resume?.upperBound ?? inputs.nowSeconds) : null,
      previous: null,
      maxSeen: resume?.maxSeen ?? null,
    };
  }
  // Incremental with a bookmark: start_date no longer applies (the state wins).
  const previous = { cursor: state.cursor, recent: state.recent };
  const resume = state.checkpoint;
  return {
    ...base,
    startAfter: resume?.after ?? null,
    createdAfter: null,
    updatedAfter: resume ? resume.lowerBound : Math.max(0, state.cursor - inputs.lookback),
    updatedBefore: resume ? resume.upperBound : inputs.nowSeconds,
    previous,
    maxSeen: resume?.maxSeen ?? null,
  };
}

/** The record's cursor value: `updated_at`, else `created_at` (null updated_at on secrets). */
export function cursorValue(record: JsonObject, field: string): number | null {
  const value = record[field];
  if (typeof value === 'number') return value;
  const created = record.created_at;
  return typeof created === 'number' ? created : null;
}

/**
 * Emit a record unless an earlier read already did: its value is at or below the bookmark, and
 * either outside the lookback window or inside it with the very value recorded in `recent`.
 */
export function isNew(plan: ReadPlan, key: string, value: number | null): boolean {
  if (plan.previous === null || value === null) return true;
  const { cursor, recent } = plan.previous;
  if (value > cursor) return true;
  if (value <= cursor - plan.lookback) return false;
  return recent[key] !== value;
}

/** Created since the previous bookmark (every record on a first run or a full refresh). */
export function isCreated(plan: ReadPlan, record: JsonObject): boolean {
  if (plan.previous === null) return true;
  const created = record.created_at;
  return typeof created !== 'number' || created > plan.previous.cursor;
}

/** Key -> value of records emitted this run inside the moving lookback window (bounded). */
export class WindowCollector {
  private readonly entries = new Map<string, number>();

  add(key: string, value: number | null, maxSeen: number | null, lookback: number): void {
    if (value === null || (maxSeen !== null && value <= maxSeen - lookback)) return;
    this.entries.set(key, value);
    if (this.entries.size > 2 * MAX_RECENT && maxSeen !== null) this.prune(maxSeen - lookback);
  }

  prune(floor: number): void {
    for (const [key, value] of this.entries) if (value <= floor) this.entries.delete(key);
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
  after: string,
  maxSeen: number | null,
): CursorState {
  const keep = plan.mode === 'incremental' ? state : { ...state, cursor: null, recent: {} };
  return {
    ...keep,
    checkpoint: { after, lowerBound: plan.updatedAfter, upperBound: plan.updatedBefore, maxSeen },
  };
}

/** State once a stream was read to its end: the bookmark advances, the window is trimmed to it. */
export function completedState(
  state: CursorState,
  plan: ReadPlan,
  maxSeen: number | null,
  emitted: Readonly<Record<string, number>>,
): CursorState {
  const previousCursor = plan.previous?.cursor ?? null;
  const cursor = maxOf(previousCursor, maxSeen);
  const merged: Record<string, number> = { ...(plan.previous?.recent ?? {}), ...emitted };
  const floor = cursor === null ? Number.NEGATIVE_INFINITY : cursor - plan.lookback;
  const kept = Object.entries(merged)
    .filter(([, value]) => value > floor)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_RECENT);
  return {
    version: STATE_VERSION,
    stream: state.stream,
    cursor,
    recent: Object.fromEntries(kept),
    checkpoint: null,
  };
}
