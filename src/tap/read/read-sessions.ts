import { ApiError } from '../errors.js';
import type { TapEvent } from '../events.js';
import type { JsonObject } from '../json.js';
import { checkpointState, completedState, type ReadPlan } from '../state/cursor-plan.js';
import type { CursorState } from '../state/stream-state.js';
import type { StreamDef } from '../streams/index.js';
import { fanOut, type ParentBatch } from './fan-out.js';
import { listQuery } from './list-query.js';
import { listPages, type ReaderDeps, RecordSelector } from './read-list.js';
import { type SharedQuery, sharedQuery } from './shared-query.js';
import { devinId, resolvePath, withParentFields } from './stream-path.js';
import type { StreamRun } from './stream-run.js';

/** A selected stream of the sessions family: its run, its state and its plan. */
export interface Member {
  run: StreamRun;
  state: CursorState;
  plan: ReadPlan;
}

interface BatchMeta {
  next: string | null;
  total: number | null;
  /** Highest cursor values admitted up to and including this page (the batches run ahead). */
  sessionsMax: number | null;
  messagesMax: number | null;
}

/** A selected member with its record selector. */
interface Picked extends Member {
  pick: RecordSelector;
}

/**
 * sessions and/or session_messages. Sessions are listed once; when session_messages is selected,
 * each new or changed session's messages are read (every page) with bounded concurrency. A failure
 * reading messages fails session_messages only; a failure listing sessions fails both. A session
 * deleted while the read runs (its messages 404, and so does the session itself) is skipped with
 * a warning; any other child failure fails the stream, never a silent skip.
 */
export function readSessionFamily(
  deps: ReaderDeps,
  defs: { sessions: StreamDef; messages: StreamDef },
  sessions: Member | null,
  messages: Member | null,
): AsyncGenerator<TapEvent[]> {
  return new SessionFamilyRead(deps, defs, sessions, messages).events();
}

class SessionFamilyRead {
  private readonly sessions: Picked | null;
  private readonly messages: Picked | null;
  private readonly driver: Picked | null;
  private readonly shared: SharedQuery | null;
  private messagesError: unknown = null;
  private messagesFailed = false;

  constructor(
    private readonly deps: ReaderDeps,
    private readonly defs: { sessions: StreamDef; messages: StreamDef },
    sessions: Member | null,
    messages: Member | null,
  ) {
    this.sessions = sessions && {
      ...sessions,
      pick: new RecordSelector(defs.sessions, defs.sessions, sessions.plan),
    };
    this.messages = messages && {
      ...messages,
      pick: new RecordSelector(defs.messages, defs.sessions, messages.plan),
    };
    this.sessions?.run.attach(this.sessions.pick);
    this.driver = this.sessions ?? this.messages;
    this.shared = this.driver && sharedQuery(this.driver.plan, sessions && messages ? messages.plan : null);
  }

  private get members(): Picked[] {
    return [this.sessions, this.messages].filter((member): member is Picked => member !== null);
  }

  /** Events in batches: one per sessions page, per page of one session's messages, per checkpoint. */
  async *events(): AsyncGenerator<TapEvent[]> {
    if (this.driver === null) return;
    yield this.members.flatMap((member) => member.run.opening());
    try {
      const concurrency = this.deps.config.maxConcurrency;
      for await (const event of fanOut(this.batches(), (p, s) => this.readMessages(p, s), { concurrency })) {
        const events =
          event.kind === 'batch'
            ? this.onBatch(event.parents, event.meta)
            : event.kind === 'children'
              ? this.onChildren(event.items)
              : this.onBatchDone(event.meta);
        if (this.messages && this.messagesError !== null && !this.messagesFailed) {
          this.messagesFailed = true;
          events.push(...this.messages.run.failed(this.messagesError));
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

  /** The members still going: session_messages drops out once it has failed on its own. */
  private unfailed(): Picked[] {
    return this.members.filter((member) => member !== this.messages || !this.messagesFailed);
  }

  private async *batches(): AsyncGenerator<ParentBatch<JsonObject, BatchMeta>> {
    const { driver, shared, sessions, messages } = this;
    if (driver === null || shared === null) return;
    const path = resolvePath(this.defs.sessions, this.deps.config.orgId);
    const query = listQuery(this.defs.sessions, { ...driver.plan, ...shared });
    for await (const page of listPages(this.deps, driver.run, path, query, shared.startAfter)) {
      const parents = sessions ? page.items.filter((item) => sessions.pick.select(item)) : [];
      const expand = messages ? page.items.filter((item) => messages.pick.select(item)) : [];
      const meta = {
        next: page.next,
        total: page.total,
        sessionsMax: sessions?.pick.maxSeen ?? null,
        messagesMax: messages?.pick.maxSeen ?? null,
      };
      yield { meta, parents, expand: this.messagesError ? [] : expand };
    }
  }

  private async *readMessages(
    parent: JsonObject,
    signal: AbortSignal,
  ): AsyncGenerator<readonly JsonObject[]> {
    const messages = this.messages;
    if (messages === null || this.messagesError !== null) return;
    const deps = { ...this.deps, signal: AbortSignal.any([this.deps.signal, signal]) };
    try {
      const path = resolvePath(this.defs.messages, deps.config.orgId, parent);
      for await (const page of listPages(deps, messages.run, path, {}, null)) {
        yield page.items.map((item) =>
          messages.run.project(withParentFields(this.defs.messages, item, parent)),
        );
        if (this.messagesError !== null) return;
      }
    } catch (error) {
      if (signal.aborted || this.deps.signal.aborted) return;
      if (isNotFound(error) && (await this.deletedDuringRead(parent, deps))) return;
      this.messagesError ??= error;
    }
  }

  /** True when the session itself is gone too (deleted after it was listed). */
  private async deletedDuringRead(parent: JsonObject, deps: ReaderDeps): Promise<boolean> {
    const { sessions: def } = this.defs;
    const id = String(parent.session_id);
    const path = `${resolvePath(def, deps.config.orgId)}/${encodeURIComponent(devinId(id))}`;
    const run = this.messages?.run ?? this.driver?.run;
    if (!run) return false;
    try {
      const context = {
        stream: run.name,
        permission: def.permission,
        counters: run.http,
        signal: deps.signal,
      };
      await deps.http.getJson(path, {}, context);
      return false;
    } catch (error) {
      if (!isNotFound(error)) return false;
      deps.log(`session_messages: session ${id} was deleted while the read ran; its messages are skipped`);
      return true;
    }
  }

  private onBatch(parents: readonly JsonObject[], meta: BatchMeta): TapEvent[] {
    const events = this.members.flatMap((member) => member.run.firstPage());
    const sessions = this.sessions;
    if (!sessions) return events;
    for (const parent of parents)
      events.push(sessions.run.record(sessions.run.project(parent), sessions.pick.isCreated(parent)));
    events.push(sessions.run.progress(meta.total));
    return events;
  }

  private onChildren(items: readonly JsonObject[]): TapEvent[] {
    const messages = this.messages;
    if (!messages || this.messagesFailed) return [];
    return items.map((item) => messages.run.record(item, messages.pick.isCreated(item)));
  }

  private onBatchDone({ next, sessionsMax, messagesMax }: BatchMeta): TapEvent[] {
    const { sessions, messages, shared } = this;
    const events: TapEvent[] = [];
    // Checkpoints carry the shared query's bounds, so both streams resume the same read.
    const at = (member: Picked): ReadPlan => ({ ...member.plan, ...shared });
    if (sessions && next !== null) {
      events.push(sessions.run.state(checkpointState(sessions.state, at(sessions), next, sessionsMax)));
    }
    if (messages && !this.messagesFailed) {
      events.push(messages.run.progress(null));
      if (next !== null)
        events.push(messages.run.state(checkpointState(messages.state, at(messages), next, messagesMax)));
    }
    return events;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

function finish(member: Picked): TapEvent[] {
  const { run, state, plan, pick } = member;
  return [
    run.progress(null),
    run.state(completedState(state, plan, pick.maxSeen, pick.window.snapshot())),
    run.complete(),
  ];
}
