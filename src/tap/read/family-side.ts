import type { Coverage, TapEvent } from '../events.js';
import type { JsonObject } from '../json.js';
import { completedState, cursorValue, type ReadPlan, windowFloor } from '../state/cursor-plan.js';
import { PartitionProgress, parentWindow } from '../state/partitions.js';
import type { CursorState } from '../state/stream-state.js';
import type { StreamDef } from '../streams/index.js';
import type { ChildProgress } from './child-progress.js';
import type { PageResult } from './paginate.js';
import { OwnCursor, RecordSelector } from './record-selector.js';
import type { StreamRun } from './stream-run.js';

/** A selected stream: its run, its state and its plan. */
export interface Member {
  def: StreamDef;
  run: StreamRun;
  state: CursorState;
  plan: ReadPlan;
  /** The organizations this read covers, recorded in its states (null: all, or not an enterprise list). */
  orgIds: readonly string[] | null;
  /** The stored state was set aside: it covered fewer organizations than this read. */
  widened: boolean;
}

/**
 * A selected stream inside a family read; `pick` judges parent records (absent: every parent,
 * and the child's own records carry its bookmark: `ownMax`).
 */
export interface Side extends Member {
  pick: RecordSelector | null;
  ownMax: OwnCursor | null;
  /** Per-parent progress of a windowed child read for every parent. */
  partitions: PartitionProgress | null;
  /** Where a child resumes between parent pages (null for the root). */
  progress: ChildProgress | null;
  error: unknown;
  /** Parents whose part of a `per_parent` child failed (key -> the error); the rest is read. */
  failedParents: Map<string, unknown>;
  /** What a full read covers, as the schema event said. */
  coverage: Coverage | undefined;
  /**
   * A `per_parent` child that outlives its parents: the parents read in full (their first copied
   * field's values). A full refresh replaces exactly their rows: a parent that now has none loses
   * its old ones, a parent that failed keeps them.
   */
  readParents: Set<string> | null;
  failed: boolean;
}

export function partitionsOf(plan: ReadPlan): PartitionProgress | null {
  return plan.partition ? new PartitionProgress(plan.partition.readThrough) : null;
}

/** The plan of one parent's children: its own window when the child keeps per-parent progress. */
export function planForParent(plan: ReadPlan, parentKey: string): ReadPlan {
  if (plan.partition === null || plan.window === null) return plan;
  return { ...plan, window: parentWindow(plan.window, plan.partition, parentKey) };
}

/**
 * A child record an earlier run emitted: its parent changed, so all its children are read again,
 * but those older than the parent's previous bookmark minus the lookback were emitted when the
 * parent was last read (a child never predates the parent change that brought it).
 */
export function emittedBefore(child: Side, record: JsonObject): boolean {
  const { plan, def } = child;
  if (child.pick === null || plan.previous === null) return false;
  const value = cursorValue(record, def.cursorField, def.cursorFallback);
  return value !== null && value < windowFloor(plan.previous.cursor, plan.lookback);
}

/** What a full read of the member covers: its parents' rows, inside its window (see Coverage). */
export function coverageOf(
  { def, plan }: Member,
  root: StreamDef,
  orgIds: readonly string[] | null,
): Coverage | undefined {
  // A root limited to some organizations: its children's rows of parents not read stay.
  const limited = orgIds !== null && root.orgFilter !== undefined;
  const parentKey = def.parent?.copy[0];
  const parents = def.parent?.outlivesParent
    ? { parents: def.parent.copy }
    : limited && parentKey !== undefined
      ? { parents: [parentKey] }
      : {};
  const values = def.orgFilter && orgIds !== null ? { values: { column: 'org_id', values: orgIds } } : {};
  const window =
    def.paging?.kind === 'window' && plan.window && def.cursorField
      ? { window: { column: def.cursorField, ...plan.window } }
      : {};
  const coverage = { ...parents, ...window, ...values };
  return Object.keys(coverage).length > 0 ? coverage : undefined;
}

/** Said once, when a state an earlier devin-tap wrote holds no per-parent progress. */
export function partitionNotice(member: Member): TapEvent[] {
  const { plan, state, def } = member;
  if (plan.partition === null || plan.mode !== 'incremental' || state.cursor === null) return [];
  if (Object.keys(state.partitions).length > 0 || state.checkpoint !== null) return [];
  const parent = def.parent?.stream ?? 'parent';
  const message =
    `${def.name}: the state holds no progress per ${parent} record (written by an earlier ` +
    `devin-tap): each one's whole history is read once`;
  return [{ kind: 'log', level: 'info', message }];
}

export interface Job {
  child: Side;
  parent: JsonObject;
  /** The parent's primary key (the key of a child's per-parent progress). */
  key: string;
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
  /** Keys of this page's parents (those with a valid key). */
  pageKeys: string[];
  /** The span a windowed root's page replaces (see PageResult). */
  covers: PageResult['covers'] | null;
}

/** One page of one parent's children, with the span it replaces. */
export interface ChildPage {
  items: JsonObject[];
  covers: PageResult['covers'] | null;
}

/**
 * Whether a windowed read goes over days an earlier run read (an incremental read from a bookmark,
 * or from the parent's own progress): only then can a day the API stopped listing be in the table,
 * and only then do its pages say what they replace (a first read deletes nothing).
 */
export function rereads({ plan, state }: Member, parentKey: string | null): boolean {
  if (plan.mode !== 'incremental' || plan.window === null) return false;
  if (plan.partition !== null && parentKey !== null) return parentKey in plan.partition.readThrough;
  return state.cursor !== null;
}

/** The columns a child's scope matches: the parent's copied fields, a part's fields. */
export function scopeMatch(def: StreamDef, parent: JsonObject | null, fields: JsonObject): JsonObject {
  const match: JsonObject = {};
  for (const field of def.parent?.copy ?? []) {
    const value = parent?.[field];
    if (value !== undefined) match[field] = value;
  }
  return { ...match, ...fields };
}

export function rejectedParents(root: StreamDef): string {
  return `${root.name} records without a valid primary key were served: their children cannot be read`;
}

export function maxSeenOf(member: Side): number | null {
  return member.pick?.maxSeen ?? member.ownMax?.max ?? null;
}

/** The coverage a full refresh swaps by, once the read is over (undefined: the opening one stands). */
function finalCoverage(member: Side): Coverage | undefined {
  const column = member.def.parent?.copy[0];
  if (member.readParents === null || column === undefined) return undefined;
  const { parents: _byStaging, ...rest } = member.coverage ?? {};
  return { ...rest, values: { column, values: [...member.readParents] } };
}

export function finish(member: Side): TapEvent[] {
  const { run, state, plan, pick } = member;
  const warning = pick?.warning(run.name) ?? member.ownMax?.warning(run.name) ?? null;
  const emitted = pick?.window.snapshot() ?? {};
  member.partitions?.settle(maxSeenOf(member));
  const partitions = member.partitions?.snapshot() ?? {};
  const coverage = finalCoverage(member);
  const closing =
    member.failedParents.size > 0
      ? run.partlyFailed(member.failedParents, coverage)
      : [run.complete(coverage)];
  return [
    run.progress(null),
    ...run.warn(warning),
    run.state({
      ...completedState(state, plan, maxSeenOf(member), emitted, partitions),
      orgIds: member.orgIds,
    }),
    ...closing,
  ];
}

/** One page of one parent's children as events: the re-read scope it replaces, then its records. */
export function childPageEvents({ child, parent, key }: Job, { items, covers }: ChildPage): TapEvent[] {
  // A child judged by its parent emits only what changed: its scope is not all its rows.
  const events: TapEvent[] =
    covers && child.pick === null && rereads(child, key)
      ? child.run.reread(covers, scopeMatch(child.def, parent, covers.fields))
      : [];
  for (const item of items) {
    if (emittedBefore(child, item)) {
      child.run.skip();
      continue;
    }
    const event = child.run.emit(item);
    if (event.kind === 'record') child.ownMax?.see(item);
    events.push(event);
  }
  return events;
}

/** A selected stream made ready for a family read (`judged`: its parent's changes decide its reads). */
export function sideOf(
  member: Member,
  at: { judged: boolean; rootDef: StreamDef; nowSeconds: number; orgIds: readonly string[] | null },
): Side {
  const { judged, rootDef, nowSeconds, orgIds } = at;
  const link = member.def.parent;
  return {
    ...member,
    pick: judged ? new RecordSelector(rootDef, member.plan, nowSeconds) : null,
    ownMax: judged ? null : new OwnCursor(member.def, member.plan.maxSeen, nowSeconds),
    partitions: partitionsOf(member.plan),
    progress: null,
    error: null,
    failedParents: new Map(),
    coverage: coverageOf(member, rootDef, orgIds),
    readParents: link?.failures === 'per_parent' && link.outlivesParent ? new Set() : null,
    failed: false,
  };
}
