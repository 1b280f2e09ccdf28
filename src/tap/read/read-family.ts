import { ApiError } from '../errors.js';
import type { TapEvent } from '../events.js';
import type { JsonObject } from '../json.js';
import { checkpointState, completedState, type ReadPlan } from '../state/cursor-plan.js';
import type { CursorState } from '../state/stream-state.js';
import type { StreamDef } from '../streams/index.js';
import { fanOut, type ParentBatch } from './fan-out.js';
import { type ReaderDeps, streamPages } from './pages.js';
import { OwnCursor, RecordSelector } from './record-selector.js';
import { keyProblem, shaper } from './record-shape.js';
import { type SharedQuery, sharedQuery } from './shared-query.js';
import { parentItemPath, resolvePath, withParentFields } from './stream-path.js';
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
interface Side extends Member {
  pick: RecordSelector | null;
  ownMax: OwnCursor | null;
  error: unknown;
  failed: boolean;
}

interface Job {
  child: Side;
  parent: JsonObject;
}

interface BatchMeta {
  next: string | null;
  total: number | null;
  pages: number;
  /** The parent's records to emit, and those without a valid key. */
  records: JsonObject[];
  rejected: { data: JsonObject; reason: string }[];
  /** Each stream's highest cursor value up to and including this page (the batches run ahead). */
  maxSeen: Map<Side, number | null>;
}

/**
 * A root stream and its selected children, in one read of the root's pages. Each new or changed
 * root record (or every one, per the child's rule) has its children read, every page, with bounded
 * concurrency. A failure reading one child stream fails that stream only; a failure listing the
 * root fails them all. A child that 404s because its parent was deleted while the read ran is
 * skipped with a warning (when the definition says where the parent lives); any other child
 * failure fails the stream, never a silent skip. Records without a valid primary key are
 * `rejected` events, never records, and never part of a state.
 */
export function readFamily(
  deps: ReaderDeps,
  root: StreamDef,
  rootMember: Member | null,
  children: readonly Member[],
  nowSeconds: number,
): AsyncGenerator<TapEvent[]> {
  return new FamilyRead(deps, root, rootMember, children, nowSeconds).events();
}

class FamilyRead {
  private readonly root: Side | null;
  private readonly children: Side[];
  private readonly members: Side[];
  private readonly shared: SharedQuery;
  private readonly shapeRoot: (record: JsonObject) => JsonObject;
  private warnedRejected = false;

  constructor(
    private readonly deps: ReaderDeps,
    private readonly rootDef: StreamDef,
    rootMember: Member | null,
    children: readonly Member[],
    nowSeconds: number,
  ) {
    const side = (member: Member, judged: boolean): Side => ({
      ...member,
      pick: judged ? new RecordSelector(rootDef, member.plan, nowSeconds) : null,
      ownMax: judged ? null : new OwnCursor(member.def, member.plan.maxSeen, nowSeconds),
      error: null,
      failed: false,
    });
    this.root = rootMember && side(rootMember, true);
    this.children = children.map((child) => side(child, child.def.parent?.reread === 'changed'));
    this.members = [...(this.root ? [this.root] : []), ...this.children];
    for (const member of this.members) if (member.pick) member.run.attach(member.pick);
    this.shared = sharedQuery([
      ...(this.root ? [{ plan: this.root.plan, filtersParents: true }] : []),
      ...this.children.map((child) => ({ plan: child.plan, filtersParents: child.pick !== null })),
    ]);
    this.shapeRoot = shaper(rootDef);
  }

  /** The stream whose plan and counters the root's pages go with. */
  private get driver(): Side | undefined {
    return this.members[0];
  }

  /** Events in batches: one per root page, per page of one parent's children, per checkpoint. */
  async *events(): AsyncGenerator<TapEvent[]> {
    if (this.driver === undefined) return;
    yield this.members.flatMap((member) => member.run.opening());
    try {
      const concurrency = this.deps.config.maxConcurrency;
      for await (const event of fanOut(this.batches(), (job, s) => this.readChildren(job, s), {
        concurrency,
      })) {
        const events =
          event.kind === 'batch'
            ? this.onBatch(event.meta)
            : event.kind === 'children'
              ? this.onChildren(event.parent, event.items)
              : this.onBatchDone(event.meta);
        for (const child of this.children) {
          if (child.error === null || child.failed) continue;
          child.failed = true;
          events.push(...child.run.failed(child.error));
        }
        if (events.length > 0) yield events;
      }
    } catch (error) {
      if (this.deps.signal.aborted) throw error;
      yield this.unfailed().flatMap((member) => member.run.failed(error));
      return;
    }
    yield this.unfailed().flatMap(finish);
  }

  private unfailed(): Side[] {
    return this.members.filter((member) => !member.failed);
  }

  private async *batches(): AsyncGenerator<ParentBatch<Job, BatchMeta>> {
    const { driver, shared, root } = this;
    if (driver === undefined) return;
    const path = resolvePath(this.rootDef, this.deps.config.orgId);
    const plan = root ? { ...root.plan, ...shared } : { ...driver.plan, ...shared, window: null };
    let pages = shared.pages;
    for await (const page of streamPages(
      this.deps,
      driver.run,
      this.rootDef,
      path,
      plan,
      shared.startAfter,
    )) {
      pages += 1;
      const valid: JsonObject[] = [];
      const rejected: BatchMeta['rejected'] = [];
      for (const item of page.items) {
        const data = this.shapeRoot(item);
        const reason = keyProblem(this.rootDef, data);
        if (reason === null) valid.push(data);
        else rejected.push({ data, reason });
      }
      const records = root?.pick ? valid.filter((record) => root.pick?.select(record)) : [];
      const jobs = this.children.flatMap((child) =>
        child.error !== null
          ? []
          : valid.filter((parent) => child.pick?.select(parent) ?? true).map((parent) => ({ child, parent })),
      );
      const maxSeen = new Map(this.members.map((member) => [member, maxSeenOf(member)]));
      const meta = { next: page.next, total: page.total, pages, records, rejected, maxSeen };
      yield { meta, parents: jobs, expand: jobs };
    }
  }

  private async *readChildren(
    { child, parent }: Job,
    signal: AbortSignal,
  ): AsyncGenerator<readonly JsonObject[]> {
    if (child.error !== null) return;
    const deps = { ...this.deps, signal: AbortSignal.any([this.deps.signal, signal]) };
    try {
      const path = resolvePath(child.def, deps.config.orgId, parent);
      for await (const page of streamPages(deps, child.run, child.def, path, child.plan, null)) {
        yield page.items.map((item) => child.run.shape(withParentFields(child.def, item, parent)));
        if (child.error !== null) return;
      }
    } catch (error) {
      if (signal.aborted || this.deps.signal.aborted) return;
      if (isNotFound(error) && (await this.parentGone(child, parent, deps))) return;
      child.error ??= error;
    }
  }

  /** True when the parent itself is gone too (deleted after it was listed). */
  private async parentGone(child: Side, parent: JsonObject, deps: ReaderDeps): Promise<boolean> {
    const path = parentItemPath(child.def, deps.config.orgId, parent);
    if (path === null) return false;
    const context = {
      stream: child.run.name,
      permission: child.def.permission,
      counters: child.run.http,
      signal: deps.signal,
    };
    try {
      await deps.http.getJson(path, {}, context);
      return false;
    } catch (error) {
      if (!isNotFound(error)) return false;
      const key = this.rootDef.primaryKey.map((field) => String(parent[field])).join(', ');
      deps.log(
        `${child.run.name}: ${this.rootDef.name} ${key} was deleted while the read ran; its records are skipped`,
      );
      return true;
    }
  }

  private onBatch(meta: BatchMeta): TapEvent[] {
    const events = this.members.flatMap((member) => member.run.firstPage());
    const root = this.root;
    if (!root) {
      if (meta.rejected.length > 0 && this.driver && !this.warnedRejected) {
        this.warnedRejected = true;
        events.push(...this.driver.run.warn(rejectedParents(this.rootDef)));
      }
      return events;
    }
    for (const { data, reason } of meta.rejected) events.push(root.run.reject(data, reason));
    for (const record of meta.records) events.push(root.run.record(record));
    events.push(root.run.progress(meta.total));
    return events;
  }

  private onChildren(job: Job, items: readonly JsonObject[]): TapEvent[] {
    const { child } = job;
    if (child.failed) return [];
    return items.map((item) => {
      const event = child.run.emit(item);
      if (event.kind === 'record') child.ownMax?.see(item);
      return event;
    });
  }

  private onBatchDone(meta: BatchMeta): TapEvent[] {
    const events: TapEvent[] = [];
    for (const member of this.members) {
      if (member.failed) continue;
      if (member !== this.root) events.push(member.run.progress(null));
      if (meta.next === null) continue;
      // Checkpoints carry the shared query's bounds and page count, so every stream resumes the same read.
      const progress = { after: meta.next, maxSeen: meta.maxSeen.get(member) ?? null, pages: meta.pages };
      const plan = member.plan.window ? member.plan : { ...member.plan, ...this.shared };
      events.push(member.run.state(checkpointState(member.state, plan, progress)));
    }
    return events;
  }
}

function rejectedParents(root: StreamDef): string {
  return `${root.name} records without a valid primary key were served: their children cannot be read`;
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

function maxSeenOf(member: Side): number | null {
  return member.pick?.maxSeen ?? member.ownMax?.max ?? null;
}

function finish(member: Side): TapEvent[] {
  const { run, state, plan, pick } = member;
  const warning = pick?.warning(run.name) ?? member.ownMax?.warning(run.name) ?? null;
  return [
    run.progress(null),
    ...run.warn(warning),
    run.state(completedState(state, plan, maxSeenOf(member), pick?.window.snapshot() ?? {})),
    run.complete(),
  ];
}
