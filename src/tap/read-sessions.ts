import { checkpointState, completedState, type ReadPlan } from './cursor-plan.js';
import type { TapEvent } from './events.js';
import { fanOut, type ParentBatch } from './fan-out.js';
import type { JsonObject } from './json.js';
import { listQuery } from './list-query.js';
import { listPages, type ReaderDeps, RecordSelector } from './read-list.js';
import { resolvePath, withParentFields } from './stream-path.js';
import type { StreamRun } from './stream-run.js';
import type { CursorState } from './stream-state.js';
import type { StreamDef } from './streams/index.js';

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

type SharedQuery = Pick<ReadPlan, 'createdAfter' | 'updatedAfter' | 'updatedBefore' | 'startAfter'>;

const lowest = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.min(a, b));
const highest = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.max(a, b));

/**
 * One sessions read serves both streams. Same query (the usual case, and always on resume from a
 * shared checkpoint): use it. Different (say session_messages newly selected): ask for the union
 * from the first page; each stream then filters its own part client-side.
 */
export function sharedQuery(a: ReadPlan, b: ReadPlan | null): SharedQuery {
  const pick = ({ createdAfter, updatedAfter, updatedBefore, startAfter }: ReadPlan) => ({
    createdAfter,
    updatedAfter,
    updatedBefore,
    startAfter,
  });
  if (b === null) return pick(a);
  const same = JSON.stringify(pick(a)) === JSON.stringify(pick(b));
  if (same) return pick(a);
  return {
    createdAfter: lowest(a.createdAfter, b.createdAfter),
    updatedAfter: lowest(a.updatedAfter, b.updatedAfter),
    updatedBefore: highest(a.updatedBefore, b.updatedBefore),
    startAfter: null,
  };
}

/**
 * sessions and/or session_messages. Sessions are listed once; when session_messages is selected,
 * each new or changed session's messages are read (every page) with bounded concurrency. A failure
 * reading messages fails session_messages only; a failure listing sessions fails both.
 */
export async function* readSessionFamily(
  deps: ReaderDeps,
  defs: { sessions: StreamDef; messages: StreamDef },
  sessions: Member | null,
  messages: Member | null,
): AsyncGenerator<TapEvent> {
  const maybeDriver = sessions ?? messages;
  if (maybeDriver === null) return;
  const driver: Member = maybeDriver;
  const members = [sessions, messages].filter((member): member is Member => member !== null);
  for (const member of members) yield* member.run.opening();
  const shared = sharedQuery(driver.plan, sessions && messages ? messages.plan : null);
  const sessionPick = sessions && new RecordSelector(defs.sessions, defs.sessions, sessions.plan);
  const messagePick = messages && new RecordSelector(defs.messages, defs.sessions, messages.plan);
  let messagesError: unknown = null;
  if (sessions && sessionPick) sessions.run.attach(sessionPick);

  async function* batches(): AsyncGenerator<ParentBatch<JsonObject, BatchMeta>> {
    const path = resolvePath(defs.sessions, deps.config.orgId);
    const query = listQuery(defs.sessions, { ...driver.plan, ...shared });
    for await (const page of listPages(deps, driver.run, path, query, shared.startAfter)) {
      const parents = sessionPick ? page.items.filter((item) => sessionPick.select(item)) : [];
      const expand = messagePick ? page.items.filter((item) => messagePick.select(item)) : [];
      const meta = {
        next: page.next,
        total: page.total,
        sessionsMax: sessionPick?.maxSeen ?? null,
        messagesMax: messagePick?.maxSeen ?? null,
      };
      yield { meta, parents, expand: messagesError ? [] : expand };
    }
  }

  async function* readMessages(
    parent: JsonObject,
    signal: AbortSignal,
  ): AsyncGenerator<readonly JsonObject[]> {
    if (messages === null || messagesError !== null) return;
    try {
      const path = resolvePath(defs.messages, deps.config.orgId, parent);
      const childDeps = { ...deps, signal: AbortSignal.any([deps.signal, signal]) };
      for await (const page of listPages(childDeps, messages.run, path, {}, null)) {
        yield page.items.map((item) => messages.run.project(withParentFields(defs.messages, item, parent)));
        if (messagesError !== null) return;
      }
    } catch (error) {
      if (!signal.aborted && !deps.signal.aborted) messagesError ??= error;
    }
  }

  const checkpointPlan = (member: Member): ReadPlan => ({ ...member.plan, ...shared });
  let messagesFailed = false;
  try {
    const events = fanOut(batches(), readMessages, { concurrency: deps.config.maxConcurrency });
    for await (const event of events) {
      if (event.kind === 'batch') {
        for (const member of members) yield* member.run.firstPage();
        if (sessions) {
          for (const parent of event.parents) {
            yield sessions.run.record(sessions.run.project(parent), sessionPick?.isCreated(parent) ?? true);
          }
          yield sessions.run.progress(event.meta.total);
        }
      } else if (event.kind === 'children') {
        if (messages && !messagesFailed) {
          for (const item of event.items)
            yield messages.run.record(item, messagePick?.isCreated(item) ?? true);
        }
      } else {
        const { next, sessionsMax, messagesMax } = event.meta;
        if (sessions && next !== null) {
          yield sessions.run.state(
            checkpointState(sessions.state, checkpointPlan(sessions), next, sessionsMax),
          );
        }
        if (messages && !messagesFailed) {
          yield messages.run.progress(null);
          if (next !== null) {
            yield messages.run.state(
              checkpointState(messages.state, checkpointPlan(messages), next, messagesMax),
            );
          }
        }
      }
      if (messages && messagesError !== null && !messagesFailed) {
        messagesFailed = true;
        yield* messages.run.failed(messagesError);
      }
    }
  } catch (error) {
    if (deps.signal.aborted) throw error;
    for (const member of members) if (member !== messages || !messagesFailed) yield* member.run.failed(error);
    return;
  }
  if (sessions && sessionPick) {
    yield sessions.run.progress(null);
    yield sessions.run.state(
      completedState(sessions.state, sessions.plan, sessionPick.maxSeen, sessionPick.window.snapshot()),
    );
    yield sessions.run.complete();
  }
  if (messages && messagePick && !messagesFailed) {
    yield messages.run.progress(null);
    yield messages.run.state(
      completedState(messages.state, messages.plan, messagePick.maxSeen, messagePick.window.snapshot()),
    );
    yield messages.run.complete();
  }
}
