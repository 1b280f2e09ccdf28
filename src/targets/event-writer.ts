import type { TapEvent } from '../tap/events.js';
import type { StreamState, TapState } from '../tap/state.js';
import { type BatchLimits, DEFAULT_LIMITS, RowBuffer, recordBytes } from './row-buffer.js';
import type { Target } from './target.js';

export interface StreamWriteStats {
  records: number;
  inserted: number;
  updated: number;
  /** The stream's stream_error message, or null. */
  error: string | null;
}

/** When a state event commits: once this many rows or milliseconds have passed since the last commit. */
export interface CommitLimits {
  rows: number;
  ms: number;
}

/** About one commit a second: a commit costs DuckDB tens of milliseconds, whatever its size. */
export const DEFAULT_COMMIT: CommitLimits = { rows: 100_000, ms: 250 };

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
}

interface StreamProgress {
  stats: StreamWriteStats;
  buffer: RowBuffer;
  refreshing: boolean;
  /** Latest state of a stream under full refresh: stored when the refresh completes. */
  heldState: StreamState | null;
}

/**
 * Drives a Target from the tap's events. Rows are buffered per stream and written in bounded
 * batches; a state event writes its stream's rows, and the states seen are committed with every row
 * before them, at most about once per `commit` interval (and at the end). A failed stream keeps what
 * its last state covered; a failed full refresh keeps the old rows.
 *
 * One write runs ahead: while the target writes a batch, the events that fill the next one are
 * read. Target calls still start one after another, in event order.
 */
export async function writeEvents(
  events: AsyncIterable<TapEvent>,
  options: EventWriterOptions,
): Promise<Record<string, StreamWriteStats>> {
  const { target } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const commitLimits = { ...DEFAULT_COMMIT, ...options.commit };
  const now = options.now ?? Date.now;
  const streams = new Map<string, StreamProgress>();
  let pendingState: TapState = {};
  let rowsSinceCommit = 0;
  let lastCommit = now();
  let inFlight: Promise<void> = Promise.resolve();
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

  const progressOf = (stream: string): StreamProgress => {
    let progress = streams.get(stream);
    if (!progress) {
      const stats = { records: 0, inserted: 0, updated: 0, error: null };
      progress = { stats, buffer: new RowBuffer(limits), refreshing: false, heldState: null };
      streams.set(stream, progress);
    }
    return progress;
  };

  /** Waits for the write running ahead (and throws its error). */
  const settle = async (): Promise<void> => {
    const running = inFlight;
    inFlight = Promise.resolve();
    await running;
  };

  /** Starts writing the stream's buffered rows; returns once the previous write has finished. */
  const flush = async (stream: string, progress: StreamProgress): Promise<void> => {
    if (progress.buffer.size === 0) return;
    await settle();
    const { rows, extractedAt } = progress.buffer.take();
    rowsSinceCommit += rows.length;
    inFlight = target.write(stream, rows, extractedAt).then((written) => {
      progress.stats.inserted += written.inserted;
      progress.stats.updated += written.updated;
    });
    inFlight.catch(() => undefined); // awaited by the next settle()
  };

  const commit = async (): Promise<void> => {
    await settle();
    const state = pendingState;
    pendingState = {};
    rowsSinceCommit = 0;
    lastCommit = now();
    await target.checkpoint(state);
  };

  const commitIfDue = async (): Promise<void> => {
    if (rowsSinceCommit >= commitLimits.rows || now() - lastCommit >= commitLimits.ms) await commit();
  };

  const handlers = {
    schema: async (event: Extract<TapEvent, { kind: 'schema' }>) => {
      const progress = progressOf(event.stream);
      await flush(event.stream, progress);
      await settle();
      await target.prepare([{ name: event.stream, schema: event.schema, keys: event.keys }]);
      if (options.fullRefresh?.has(event.stream) && !progress.refreshing && progress.stats.error === null) {
        await commit(); // states seen so far go with the rows before the refresh begins
        await target.beginFullRefresh(event.stream);
        progress.refreshing = true;
      }
    },
    state: async (event: Extract<TapEvent, { kind: 'state' }>) => {
      const progress = progressOf(event.stream);
      if (progress.stats.error !== null) return;
      await flush(event.stream, progress);
      if (progress.refreshing) progress.heldState = event.state;
      else pendingState[event.stream] = event.state;
      await commitIfDue();
    },
    complete: async (stream: string, progress: StreamProgress) => {
      if (!progress.refreshing || progress.stats.error !== null) return;
      await flush(stream, progress);
      await settle();
      // One transaction: the swap, the held state and the states pending for other streams.
      const state = { ...pendingState, ...(progress.heldState ? { [stream]: progress.heldState } : {}) };
      pendingState = {};
      rowsSinceCommit = 0;
      lastCommit = now();
      await target.completeFullRefresh(stream, state);
      progress.refreshing = false;
    },
    fail: async (stream: string, message: string) => {
      const progress = progressOf(stream);
      progress.stats.error ??= message;
      progress.buffer.take(); // rows after the last state: the next run reads them again
      if (progress.refreshing) {
        await settle();
        await target.abortFullRefresh(stream);
      }
      progress.refreshing = false;
    },
  };

  try {
    for await (const event of watched()) {
      if (event.kind === 'record') {
        const progress = progressOf(event.stream);
        if (progress.stats.error !== null) continue;
        progress.stats.records += 1;
        if (progress.buffer.push(event.data, event.emittedAt, recordBytes(event.data))) {
          await flush(event.stream, progress);
          if (rowsSinceCommit >= commitLimits.rows) await commit();
        }
        continue;
      }
      options.observer?.(event);
      if (event.kind === 'schema') await handlers.schema(event);
      else if (event.kind === 'state') await handlers.state(event);
      else if (event.kind === 'stream_error') await handlers.fail(event.stream, event.message);
      else if (event.kind === 'status' && event.status === 'incomplete') {
        await handlers.fail(event.stream, progressOf(event.stream).stats.error ?? 'stream incomplete');
      } else if (event.kind === 'status' && event.status === 'complete') {
        await handlers.complete(event.stream, progressOf(event.stream));
      }
    }
    // The events ended normally: every stream was read to its end.
    for (const [stream, progress] of streams) {
      if (progress.stats.error !== null) continue;
      await flush(stream, progress);
      await handlers.complete(stream, progress);
    }
    await commit();
  } catch (error) {
    // A tap failure keeps what the states seen so far cover; a target failure commits nothing more.
    await (sourceFailed ? commit() : settle()).catch(() => undefined);
    for (const [stream, progress] of streams) {
      if (progress.refreshing) await target.abortFullRefresh(stream).catch(() => undefined);
    }
    throw error;
  }
  return Object.fromEntries([...streams].map(([stream, progress]) => [stream, progress.stats]));
}
