import { setMaxListeners } from 'node:events';
import type { TapEvent } from '../events.js';
import type { JsonObject } from '../json.js';
import { checkpointState } from '../state/cursor-plan.js';
import type { StreamDef } from '../streams/index.js';
import { readChildren } from './child-pages.js';
import { ChildProgress } from './child-progress.js';
import {
  type BatchMeta,
  type ChildPage,
  childPageEvents,
  finish,
  type Job,
  type Member,
  maxSeenOf,
  partitionNotice,
  rejectedParents,
  rereads,
  type Side,
  scopeMatch,
  sideOf,
} from './family-side.js';
import { fanOut, type ParentBatch } from './fan-out.js';
import { inOrgScope, type ReaderDeps, streamPages } from './pages.js';
import { shaper, splitByKey } from './record-shape.js';
import { type SharedQuery, sharedQuery } from './shared-query.js';
import { recordKey, resolvePath } from './stream-path.js';

/**
 * A root stream and its selected children, in one read of the root's pages. Each new or changed
 * root record (or every one, per the child's rule) has its children read, every page, with bounded
 * concurrency. A failure reading one child stream fails that stream only; a failure listing the
 * root fails them all. A child that 404s because its parent was deleted while the read ran is
 * skipped with a warning (when the definition says where the parent lives); any other child
 * failure fails the stream, never a silent skip. Records without a valid primary key are
 * `rejected` events, never records, and never part of a state.
 */
export type { Member } from './family-side.js';

export function readFamily(
  deps: ReaderDeps,
  root: StreamDef,
  rootMember: Member | null,
  children: readonly Member[],
  nowSeconds: number,
): AsyncGenerator<TapEvent[]> {
  return new FamilyRead(deps, root, rootMember, children, nowSeconds).events();
}

/** Abort listeners one request may add to its signal (the transport's and the HTTP client's). */
const LISTENERS_PER_REQUEST = 4;

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
    const side = (member: Member, judged: boolean): Side =>
      sideOf(member, { judged, rootDef, nowSeconds, orgIds: deps.config.orgIds });
    this.root = rootMember && side(rootMember, true);
    this.children = children.map((child) => side(child, child.def.parent?.reread === 'changed'));
    this.members = [...(this.root ? [this.root] : []), ...this.children];
    // A child's selector judges parents: its skips are parents, not child records, so they are not
    // the child's `unchanged` (the target counts child rows rewritten with the same content).
    if (this.root?.pick) this.root.run.attach(this.root.pick);
    this.shared = sharedQuery([
      ...(this.root ? [{ plan: this.root.plan, filtersParents: true }] : []),
      ...this.children.map((child) => ({ plan: child.plan, filtersParents: child.pick !== null })),
    ]);
    const start = { after: this.shared.startAfter, pages: this.shared.pages };
    for (const child of this.children)
      child.progress = new ChildProgress({ ...start, done: child.plan.resumeDone }, deps.now());
    this.shapeRoot = shaper(rootDef);
  }

  private scoped: { under: AbortSignal; deps: ReaderDeps } | null = null;

  /**
   * The reader's deps under the fan-out's signal too. One composite signal per fan-out: one per
   * parent would cost a signal and a weak reference each, kept by the run's signal until collected.
   */
  private depsUnder(signal: AbortSignal): ReaderDeps {
    if (this.scoped?.under !== signal) {
      const composite = AbortSignal.any([this.deps.signal, signal]);
      // Every request in flight listens to it (a couple each): more than Node's warning level of 10.
      setMaxListeners(LISTENERS_PER_REQUEST * this.deps.config.maxConcurrency + 10, composite);
      const deps = { ...this.deps, signal: composite };
      this.scoped = { under: signal, deps };
    }
    return this.scoped.deps;
  }

  /** The stream whose plan and counters the root's pages go with. */
  private get driver(): Side | undefined {
    return this.members[0];
  }

  /** Events in batches: one per root page, per page of one parent's children, per checkpoint. */
  async *events(): AsyncGenerator<TapEvent[]> {
    if (this.driver === undefined) return;
    yield this.members.flatMap((member) => [
      ...member.run.opening(member.coverage),
      ...partitionNotice(member),
    ]);
    try {
      const concurrency = this.deps.config.maxConcurrency;
      for await (const event of fanOut(
        this.batches(),
        (job, s) => readChildren(this.depsUnder(s), this.rootDef, job),
        {
          concurrency,
        },
      )) {
        const events =
          event.kind === 'batch'
            ? this.onBatch(event.meta)
            : event.kind === 'children'
              ? this.onChildren(event.parent, event.items)
              : event.kind === 'parent_done'
                ? this.onParentDone(event.parent)
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
      const inScope = page.items.filter((item) => inOrgScope(this.rootDef, this.deps.config, item));
      const { valid, rejected } = splitByKey(this.rootDef, inScope.map(this.shapeRoot));
      const records = root?.pick ? valid.filter((record) => root.pick?.select(record)) : [];
      const jobs = this.children.flatMap((child) =>
        child.error !== null
          ? []
          : valid
              .filter((parent) => child.pick?.select(parent) ?? true)
              .map((parent) => ({ child, parent, key: recordKey(this.rootDef, parent) }))
              // Done before an interrupt: listed again (the page is re-read), not read again.
              .filter((job) => !child.plan.resumeDone.has(job.key)),
      );
      const maxSeen = new Map(this.members.map((member) => [member, maxSeenOf(member)]));
      const pageKeys = valid.map((parent) => recordKey(this.rootDef, parent));
      const covers = page.covers ?? null;
      const meta = {
        next: page.next,
        total: page.total,
        pages,
        records,
        rejected,
        maxSeen,
        pageKeys,
        covers,
      };
      yield { meta, parents: jobs, expand: jobs };
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
    if (meta.covers && rereads(root, null))
      events.push(...root.run.reread(meta.covers, scopeMatch(root.def, null, meta.covers.fields)));
    for (const { data, reason } of meta.rejected) events.push(root.run.reject(data, reason));
    for (const record of meta.records) events.push(root.run.record(record));
    events.push(root.run.progress(this.totalLeft(meta.total)));
    return events;
  }

  /**
   * The API's total less what the pages done before a resume held, so that a resumed read's
   * percentage and ETA count what is left, not the whole organization.
   */
  private totalLeft(total: number | null): number | null {
    if (total === null) return null;
    return Math.max(0, total - this.shared.pages * this.deps.config.pageSize);
  }

  private onChildren(job: Job, pages: readonly ChildPage[]): TapEvent[] {
    const { child } = job;
    if (child.failed) return [];
    const events: TapEvent[] = [];
    for (const page of pages) events.push(...childPageEvents(job, page));
    return events;
  }

  /** Every child of one parent was read: a checkpoint of the child about once a second. */
  private onParentDone({ child, key, parent }: Job): TapEvent[] {
    // A read cut short by an interrupt ends its children early: that is no parent done.
    if (child.failed || child.error !== null || child.progress === null || this.deps.signal.aborted)
      return [];
    // A parent whose part failed keeps its old progress: the next run reads it again.
    if (child.failedParents.has(key)) return [];
    const copied = child.def.parent?.copy[0];
    const value = copied === undefined ? undefined : parent[copied];
    if (typeof value === 'string') child.readParents?.add(value);
    child.progress.parentDone(key);
    const window = child.plan.window;
    // The bookmark so far (the data's own latest day, not the clock: the API's days may lag).
    if (window) child.partitions?.markRead([key], maxSeenOf(child) ?? child.state.cursor ?? window.to);
    const now = this.deps.now();
    if (!child.progress.due(now)) return [];
    child.progress.checkpointed(now);
    const { after, pages, done } = child.progress.point();
    return [this.checkpoint(child, { after, pages, done, maxSeen: maxSeenOf(child) })];
  }

  /** A state of an unfinished read, with the shared query's bounds (every stream resumes the same read). */
  private checkpoint(member: Side, progress: Parameters<typeof checkpointState>[2]): TapEvent {
    const plan = member.plan.window ? member.plan : { ...member.plan, ...this.shared };
    const partitions = member.partitions?.snapshot() ?? {};
    const state = checkpointState(member.state, plan, progress, partitions);
    return member.run.state({ ...state, orgIds: member.orgIds });
  }

  private onBatchDone(meta: BatchMeta): TapEvent[] {
    const events: TapEvent[] = [];
    if (this.deps.signal.aborted) return events;
    for (const member of this.members) {
      if (member.failed) continue;
      if (member !== this.root) events.push(member.run.progress(null));
      member.progress?.pageDone(meta.pageKeys, meta.next, meta.pages);
      member.progress?.checkpointed(this.deps.now());
      if (meta.next === null) continue;
      const done = member.progress?.point().done ?? [];
      const maxSeen = meta.maxSeen.get(member) ?? null;
      events.push(this.checkpoint(member, { after: meta.next, maxSeen, pages: meta.pages, done }));
    }
    return events;
  }
}
