import type { Coverage, TapEvent } from '../tap/events.js';
import type { BatchLimits } from './row-buffer.js';
import { StreamBatches, type StreamWriteStats } from './stream-batches.js';
import type { Target } from './target.js';

export type { StreamWriteStats } from './stream-batches.js';

/** When a state event commits: once this many milliseconds have passed since the last commit. */
export interface CommitLimits {
  ms: number;
}

/** About four commits a second: a kill loses at most a fraction of a second of work. */
export const DEFAULT_COMMIT: CommitLimits = { ms: 250 };

/**
 * Rows per stream and bytes across all streams held before a commit is forced. Batches of a few
 * thousand rows cost DuckDB several times more per row than batches of 20,000.
 */
export const SYNC_LIMITS: BatchLimits = { rows: 20_000, bytes: 16 * 1024 * 1024 };

export interface EventWriterOptions {
  target: Target;
  /** Streams whose rows are replaced (atomically, when the stream completes). */
  fullRefresh?: ReadonlySet<string>;
  /** Every event except records (progress, log, status, state, stream_error, schema), as it passes. */
  observer?: (event: Exclude<TapEvent, { kind: 'record' }>) => void;
  limits?: Partial<BatchLimits>;
  commit?: Partial<CommitLimits>;
  /** Clock for the commit interval (ms). */
  now?: () => number;
  /** Told, once committed, which streams' states a commit stored (with every row they cover). */
  onCommitted?: (streams: readonly string[]) => void;
}

/**
 * Drives a Target from the tap's events. Rows are buffered per stream; state events only mark the
 * rows they cover. About once per `commit` interval (and when the buffers reach their limits, a full
 * refresh begins or completes, and at the end) every stream's covered rows are written, one batch
 * per stream, and committed with the states they complete. A failed stream keeps what its last
 * state covered; a failed full refresh keeps the old rows.
 */
export async function writeEvents(
  events: AsyncIterable<TapEvent>,
  options: EventWriterOptions,
): Promise<Record<string, StreamWriteStats>> {
  const { target } = options;
  const batches = new StreamBatches(target, { ...SYNC_LIMITS, ...options.limits });
  const interval = { ...DEFAULT_COMMIT, ...options.commit }.ms;
  const now = options.now ?? Date.now;
  let lastCommit = now();
  let sourceFailed = false;
  /** The events, noting whether an error came from them (the tap) rather than from the target. */
  async function* watched(): AsyncGenerator<TapEvent> {
    try {
      yield* events;
    } catch (error) {
      sourceFailed = true;
      throw error;
    }
  }

  const commit = async (): Promise<void> => {
    lastCommit = now();
    await batches.commit(options.onCommitted);
  };

  const handlers = {
    schema: async (event: Extract<TapEvent, { kind: 'schema' }>) => {
      const progress = batches.progressOf(event.stream);
      await commit(); // DuckDB commits before DDL: the rows written so far go with their states
      await batches.settle();
      await target.prepare([{ name: event.stream, schema: event.schema, keys: event.keys }]);
      batches.keys(event.stream, event.keys);
      if (options.fullRefresh?.has(event.stream) && !progress.refreshing && progress.stats.error === null) {
        await target.beginFullRefresh(event.stream, event.coverage);
        progress.refreshing = true;
      }
    },
    complete: async (stream: string, coverage?: Coverage) => {
      const progress = batches.progressOf(stream);
      if (!progress.refreshing || progress.stats.error !== null) return;
      await batches.writeAll(stream);
      await batches.settle();
      // One transaction: the swap, the held state and the states ready for other streams.
      const held = progress.heldState ? { [stream]: progress.heldState } : {};
      lastCommit = now();
      const states = { ...batches.takePending(), ...held };
      await target.completeFullRefresh(stream, states, coverage);
      progress.refreshing = false;
      options.onCommitted?.([...Object.keys(states), stream]);
    },
    fail: async (stream: string, message: string) => {
      const progress = batches.progressOf(stream);
      batches.fail(stream, message);
      if (progress.refreshing) {
        await batches.settle();
        await target.abortFullRefresh(stream);
      }
      progress.refreshing = false;
    },
  };

  const onEvent = async (event: Exclude<TapEvent, { kind: 'record' }>): Promise<void> => {
    if (event.kind === 'schema') await handlers.schema(event);
    else if (event.kind === 'state') {
      if (batches.progressOf(event.stream).stats.error !== null) return;
      batches.state(event.stream, event.state);
      // While the target still writes the last commit, rows keep buffering (up to the limits):
      // the reader never waits for the writer, and a slow writer gets larger batches.
      if (now() - lastCommit >= interval && batches.committable && !batches.busy) await commit();
    } else if (event.kind === 'reread') batches.reread(event.stream, event.scope);
    else if (event.kind === 'stream_error') {
      // Some parents failed, the rest was read to its end: keep it (a full refresh swaps it in).
      if (event.partial) await handlers.complete(event.stream, event.coverage);
      await handlers.fail(event.stream, event.message);
    } else if (event.kind === 'rejected') {
      // Kept in the open transaction: committed with the next checkpoint, never part of a state.
      const { stream, reason, data: record, emittedAt: rejectedAt } = event;
      await target.reject([{ stream, reason, record, rejectedAt }]);
    } else if (event.kind === 'status' && event.status === 'incomplete') {
      await handlers.fail(event.stream, batches.progressOf(event.stream).stats.error ?? 'stream incomplete');
    } else if (event.kind === 'status' && event.status === 'complete')
      await handlers.complete(event.stream, event.coverage);
  };

  try {
    for await (const event of watched()) {
      if (event.kind !== 'record') {
        options.observer?.(event);
        await onEvent(event);
      } else if (batches.progressOf(event.stream).stats.error === null) {
        if (batches.push(event.stream, event.data, event.emittedAt)) {
          if (batches.committable) await commit();
          await batches.relieve();
        }
      }
    }
    // The events ended normally: every stream was read to its end.
    for (const [stream, progress] of batches.streams) {
      if (progress.stats.error !== null) continue;
      await batches.writeAll(stream);
      await handlers.complete(stream);
    }
    await commit();
    await batches.settle();
  } catch (error) {
    // A tap failure keeps what the states seen so far cover; a target failure commits nothing more.
    await (sourceFailed ? commit().then(() => batches.settle()) : batches.settle()).catch(() => undefined);
    for (const [stream, progress] of batches.streams) {
      if (progress.refreshing) await target.abortFullRefresh(stream).catch(() => undefined);
    }
    throw error;
  }
  return Object.fromEntries([...batches.streams].map(([stream, progress]) => [stream, progress.stats]));
}
