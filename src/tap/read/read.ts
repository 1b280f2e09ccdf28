import { redact, type TapConfig } from '../config.js';
import { CatalogError } from '../errors.js';
import type { TapEvent } from '../events.js';
import { createHttpClient, type HttpOptions } from '../http/http.js';
import { planRead, type SyncMode } from '../state/cursor-plan.js';
import { isFutureCursor } from '../state/cursor-sanity.js';
import type { TapState } from '../state/state.js';
import { emptyState, parseStreamState } from '../state/stream-state.js';
import { type StreamDef, streamsOf } from '../streams/index.js';
import { Channel } from './channel.js';
import type { ReaderDeps } from './pages.js';
import { type Member, readFamily } from './read-family.js';
import { StreamRun } from './stream-run.js';

export type { SyncMode } from '../state/cursor-plan.js';

export interface ConfiguredStream {
  name: string;
  syncMode: SyncMode;
}

export interface ReadOptions {
  config: TapConfig;
  /** Validated names; order free. */
  streams: readonly ConfiguredStream[];
  /** Per-stream state from a previous run (the `state` of the last state event of each stream). */
  state?: TapState;
  signal?: AbortSignal;
  /** Backoff, clock and random source of the HTTP client (tests). */
  http?: Omit<HttpOptions, 'semaphore'>;
  /** Epoch milliseconds (tests); Date.now by default. */
  now?: () => number;
  /** The stream definitions to read from (tests); STREAMS by default. */
  definitions?: readonly StreamDef[];
}

/** Batches (a page's events each) queued between the readers and the consumer. */
const BATCH_BUFFER = 32;
const DAY = 86_400;
/** The last second a JavaScript Date can show. */
const MAX_DATE_SECONDS = 8.64e12;

function selectedModes(
  streams: readonly ConfiguredStream[],
  defs: readonly StreamDef[],
): Map<string, SyncMode> {
  const modes = new Map<string, SyncMode>();
  for (const { name, syncMode } of streams) {
    if (!defs.some((def) => def.name === name)) {
      const names = defs.map((def) => def.name).join(', ');
      throw new CatalogError(`unknown stream "${name}"; the streams are ${names}`);
    }
    if (modes.has(name)) throw new CatalogError(`stream "${name}" is configured twice`);
    modes.set(name, syncMode);
  }
  return modes;
}

/** A child's parent, which must be a root: one level of fan-out. */
function parentOf(def: StreamDef, defs: readonly StreamDef[]): StreamDef | null {
  if (!def.parent) return null;
  const parent = defs.find((candidate) => candidate.name === def.parent?.stream);
  if (!parent || parent.parent) {
    throw new CatalogError(
      `stream "${def.name}": its parent "${def.parent.stream}" is not a stream without a parent`,
    );
  }
  return parent;
}

type Task = AsyncGenerator<TapEvent[]>;

function member(
  def: StreamDef,
  parent: StreamDef | null,
  mode: SyncMode,
  options: ReadOptions,
  now: () => number,
): Member {
  const nowSeconds = Math.floor(now() / 1000);
  const { config } = options;
  // A full refresh ignores the state entirely; an incremental read rejects a bad one.
  const stored =
    mode === 'incremental'
      ? parseStreamState(def.name, options.state?.[def.name], nowSeconds)
      : emptyState(def.name);
  const orgScoped = isOrgScoped(def, parent);
  // A list read for fewer organizations than now: its bookmark says nothing of the others.
  const widened = orgScoped && widens(stored.orgIds, config.orgIds);
  const state = widened ? emptyState(def.name) : stored;
  const orgIds = orgScoped ? config.orgIds : state.orgIds;
  const paging = def.paging?.kind === 'window' ? def.paging : undefined;
  const historySeconds = paging ? config[paging.history.days] * DAY : 0;
  const trailingSeconds = paging?.trailingLookback
    ? config.lookbackWindowSeconds
    : (paging?.trailingDays ?? 0) * DAY;
  const window = paging && { historySeconds, trailingSeconds };
  // `when_later`: start_date only narrows the history (metrics); `always`: it replaces it (consumption).
  const startDate =
    paging?.history.startDate === 'when_later' && config.startDate !== null
      ? Math.max(config.startDate, nowSeconds - historySeconds)
      : config.startDate;
  const plan = planRead(state, {
    mode,
    startDate,
    lookback: config.lookbackWindowSeconds,
    nowSeconds,
    ...(window ? { window } : {}),
    partitioned: isPartitioned(def),
  });
  return { def, run: new StreamRun(def, config, now), state, plan, orgIds, widened };
}

/** An enterprise list limited by `org_ids`, or a child read for its changed records only. */
function isOrgScoped(def: StreamDef, parent: StreamDef | null): boolean {
  if (def.orgFilter !== undefined) return true;
  return parent?.orgFilter !== undefined && def.parent?.reread === 'changed';
}

/** Whether `now` reads an organization `before` did not (null: every organization). */
function widens(before: readonly string[] | null, now: readonly string[] | null): boolean {
  if (before === null) return false;
  return now === null || now.some((orgId) => !before.includes(orgId));
}

/** A windowed child read for every parent keeps its progress per parent. */
function isPartitioned(def: StreamDef): boolean {
  return def.paging?.kind === 'window' && def.parent?.reread === 'every';
}

/** Log lines about how a stream is read this run, before anything is read. */
function notices(picked: Member, nowSeconds: number): TapEvent[] {
  const { def, plan, state } = picked;
  const events: TapEvent[] = [];
  if (picked.widened && def.cursorField !== null) {
    const message = `${def.name}: read from the start: org_ids now holds organizations the last read left out (${state.orgIds?.join(', ') ?? 'all'} before)`;
    events.push({ kind: 'log', level: 'info', message });
  }
  if (plan.mode === 'incremental' && def.cursorField === null) {
    const message = `${def.name}: incremental requested, but the stream has no cursor: it is read in full (full refresh)`;
    events.push({ kind: 'log', level: 'info', message });
  }
  if (plan.mode === 'incremental' && state.cursor !== null && isFutureCursor(state.cursor, nowSeconds)) {
    const at = state.cursor <= MAX_DATE_SECONDS ? ` (${new Date(state.cursor * 1000).toISOString()})` : '';
    const message =
      `${def.name}: the state's cursor ${state.cursor}${at} is in the future, so nothing newer is read; ` +
      "remove this stream's state to read it again in full";
    events.push({ kind: 'log', level: 'warn', message });
  }
  return events;
}

/** One task per root stream with anything selected in its family (the root, its children). */
function buildTasks(
  options: ReadOptions,
  deps: ReaderDeps,
  now: () => number,
): { tasks: Task[]; notes: TapEvent[] } {
  const defs = options.definitions ?? streamsOf(options.config.scope);
  const modes = selectedModes(options.streams, defs);
  const members = new Map<string, Member>();
  for (const def of defs) {
    const parent = parentOf(def, defs);
    const mode = modes.get(def.name);
    if (mode !== undefined) members.set(def.name, member(def, parent, mode, options, now));
  }
  const nowSeconds = Math.floor(now() / 1000);
  const notes = [...members.values()].flatMap((picked) => notices(picked, nowSeconds));
  const tasks = defs.flatMap((root) => {
    if (root.parent) return [];
    const children = defs.flatMap((def) => {
      const child = def.parent?.stream === root.name ? members.get(def.name) : undefined;
      return child ? [child] : [];
    });
    const rootMember = members.get(root.name) ?? null;
    if (rootMember === null && children.length === 0) return [];
    return [readFamily(deps, root, rootMember, children, nowSeconds)];
  });
  return { tasks, notes };
}

/**
 * Reads the configured streams as one stream of events. All streams are read concurrently; one
 * semaphore keeps at most config.maxConcurrency requests in flight across all of them, and a
 * bounded channel between the readers and the consumer keeps memory bounded (a slow consumer
 * pauses the readers). Each stream's own events keep their order: schema, status started,
 * status running, records / progress / state, final state, status complete (or stream_error then
 * status incomplete). A failing stream never stops the others; nothing is thrown for a per-stream
 * API failure. Thrown (before any event): CatalogError for unknown streams, StateError for a bad
 * incremental state. When options.signal aborts, the iteration throws the signal's reason.
 */
export async function* readStreams(options: ReadOptions): AsyncGenerator<TapEvent> {
  const { signal } = options;
  for await (const batch of readEventBatches(options)) {
    for (const event of batch) {
      yield event;
      // An abort drops what is queued: the rest of this batch too.
      if (signal?.aborted) throw signal.reason;
    }
  }
}

/**
 * readStreams in batches (a page's events, in order): the same events and guarantees, one await
 * per batch instead of per event, for consumers that keep up with a page at a time.
 */
export async function* readEventBatches(options: ReadOptions): AsyncGenerator<readonly TapEvent[]> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const abort = new AbortController();
  const channel = new Channel<TapEvent[]>(BATCH_BUFFER);
  // A rejected token (or a redirecting base_url) ends every stream at once, with that one error.
  const endRun = (error: unknown) => {
    abort.abort(error);
    channel.abort(error);
  };
  const http = createHttpClient(config, { ...options.http, onRunEnding: endRun });
  const deps: ReaderDeps = {
    http,
    config,
    now,
    signal: abort.signal,
    log: (message) => void channel.push([{ kind: 'log', level: 'warn', message: redact(message, config) }]),
  };
  const onAbort = () => {
    abort.abort(options.signal?.reason);
    channel.abort(options.signal?.reason);
  };
  try {
    const { tasks, notes } = buildTasks(options, deps, now);
    if (options.signal?.aborted) throw options.signal.reason;
    if (notes.length > 0) void channel.push(notes);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const pumps = tasks.map(async (task) => {
      for await (const batch of task) if (!(await channel.push(batch))) return;
    });
    Promise.all(pumps).then(
      () => channel.close(),
      (error: unknown) => channel.close(error),
    );
    yield* channel.drain();
    if (options.signal?.aborted) throw options.signal.reason;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    abort.abort();
    http.close();
  }
}
