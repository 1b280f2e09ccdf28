import { redact, type TapConfig } from '../config.js';
import { CatalogError } from '../errors.js';
import type { TapEvent } from '../events.js';
import { createHttpClient, type HttpOptions } from '../http/http.js';
import { planRead, type SyncMode } from '../state/cursor-plan.js';
import type { TapState } from '../state/state.js';
import { emptyState, parseStreamState } from '../state/stream-state.js';
import { findStream, STREAM_NAMES, STREAMS } from '../streams/index.js';
import { Channel } from './channel.js';
import type { ReaderDeps } from './read-list.js';
import { type Member, readSessionFamily } from './read-sessions.js';
import { readListStream } from './read-stream.js';
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
}

/** Batches (a page's events each) queued between the readers and the consumer. */
const BATCH_BUFFER = 32;

function selectedModes(streams: readonly ConfiguredStream[]): Map<string, SyncMode> {
  const modes = new Map<string, SyncMode>();
  for (const { name, syncMode } of streams) {
    if (!findStream(name)) {
      throw new CatalogError(`unknown stream "${name}"; the streams are ${STREAM_NAMES.join(', ')}`);
    }
    if (modes.has(name)) throw new CatalogError(`stream "${name}" is configured twice`);
    modes.set(name, syncMode);
  }
  return modes;
}

type Task = AsyncGenerator<TapEvent[]>;

function buildTasks(options: ReadOptions, deps: ReaderDeps, now: () => number): Task[] {
  const modes = selectedModes(options.streams);
  const nowSeconds = Math.floor(now() / 1000);
  const members = new Map<string, Member>();
  for (const def of STREAMS) {
    const mode = modes.get(def.name);
    if (mode === undefined) continue;
    // A full refresh ignores the state entirely; an incremental read rejects a bad one.
    const state =
      mode === 'incremental' ? parseStreamState(def.name, options.state?.[def.name]) : emptyState(def.name);
    const plan = planRead(state, {
      mode,
      startDate: options.config.startDate,
      lookback: options.config.lookbackWindowSeconds,
      nowSeconds,
    });
    members.set(def.name, { run: new StreamRun(def, options.config, now), state, plan });
  }
  const tasks: Task[] = [];
  const sessions = members.get('sessions') ?? null;
  const messages = members.get('session_messages') ?? null;
  const sessionsDef = findStream('sessions');
  const messagesDef = findStream('session_messages');
  if ((sessions || messages) && sessionsDef && messagesDef) {
    tasks.push(readSessionFamily(deps, { sessions: sessionsDef, messages: messagesDef }, sessions, messages));
  }
  for (const [name, member] of members) {
    if (name === 'sessions' || name === 'session_messages') continue;
    tasks.push(readListStream(deps, member.run, member.state, member.plan));
  }
  return tasks;
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
    const tasks = buildTasks(options, deps, now);
    if (options.signal?.aborted) throw options.signal.reason;
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
