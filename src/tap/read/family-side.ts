import type { TapEvent } from '../events.js';
import type { JsonObject } from '../json.js';
import { completedState, type ReadPlan } from '../state/cursor-plan.js';
import type { CursorState } from '../state/stream-state.js';
import type { StreamDef } from '../streams/index.js';
import type { OwnCursor, RecordSelector } from './record-selector.js';
import type { StreamRun } from './stream-run.js';

/** A selected stream: its run, its state and its plan. */
export interface Member {
  def: StreamDef;
  run: StreamRun;
  state: CursorState;
  plan: ReadPlan;
}

/**
 * A selected stream inside a family read; `pick` judges parent records (absent: every parent,
 * and the child's own records carry its bookmark: `ownMax`).
 */
export interface Side extends Member {
  pick: RecordSelector | null;
  ownMax: OwnCursor | null;
  error: unknown;
  failed: boolean;
}

export interface Job {
  child: Side;
  parent: JsonObject;
}

export interface BatchMeta {
  next: string | null;
  total: number | null;
  pages: number;
  /** The parent's records to emit, and those without a valid key. */
  records: JsonObject[];
  rejected: { data: JsonObject; reason: string }[];
  /** Each stream's highest cursor value up to and including this page (the batches run ahead). */
  maxSeen: Map<Side, number | null>;
}

export function rejectedParents(root: StreamDef): string {
  return `${root.name} records without a valid primary key were served: their children cannot be read`;
}

export function maxSeenOf(member: Side): number | null {
  return member.pick?.maxSeen ?? member.ownMax?.max ?? null;
}

export function finish(member: Side): TapEvent[] {
  const { run, state, plan, pick } = member;
  const warning = pick?.warning(run.name) ?? member.ownMax?.warning(run.name) ?? null;
  return [
    run.progress(null),
    ...run.warn(warning),
    run.state(completedState(state, plan, maxSeenOf(member), pick?.window.snapshot() ?? {})),
    run.complete(),
  ];
}
