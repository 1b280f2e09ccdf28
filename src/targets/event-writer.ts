import type { TapEvent } from '../tap/events.js';
import type { StreamState } from '../tap/state.js';
import { type BatchLimits, DEFAULT_LIMITS, RowBuffer } from './row-buffer.js';
import type { Target } from './target.js';

export interface StreamWriteStats {
  records: number;
  inserted: number;
  updated: number;
  /** The stream's stream_error message, or null. */
  error: string | null;
}

export interface EventWriterOptions {
  target: Target;
  /** Streams whose rows are replaced (atomically, when the stream completes). */
  fullRefresh?: ReadonlySet<string>;
  /** Every event except records (progress, log, status, state, stream_error, schema), as it passes. */
  observer?: (event: Exclude<TapEvent, { kind: 'record' }>) => void;
  limits?: Partial<BatchLimits>;
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
 * batches; each state event writes its stream's rows and commits them with the state. A failed
 * stream keeps what its last state covered; a failed full refresh keeps the old rows.
 */
export async function writeEvents(
  events: AsyncIterable<TapEvent>,
  options: EventWriterOptions,
): Promise<Record<string, StreamWriteStats>> {
  const { target } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const streams = new Map<string, StreamProgress>();

  const progressOf = (stream: string): StreamProgress => {
    let progress = streams.get(stream);
    if (!progress) {
      const stats = { records: 0, inserted: 0, updated: 0, error: null };
      progress = { stats, buffer: new RowBuffer(limits), refreshing: false, heldState: null };
      streams.set(stream, progress);
    }
    return progress;
  };

  const flush = async (stream: string, progress: StreamProgress): Promise<void> => {
    if (progress.buffer.size === 0) return;
    const { rows, extractedAt } = progress.buffer.take();
    const written = await target.write(stream, rows, extractedAt);
    progress.stats.inserted += written.inserted;
    progress.stats.updated += written.updated;
  };

  const handlers = {
    schema: async (event: Extract<TapEvent, { kind: 'schema' }>) => {
      const progress = progressOf(event.stream);
      await flush(event.stream, progress);
      await target.prepare([{ name: event.stream, schema: event.schema, keys: event.keys }]);
      if (options.fullRefresh?.has(event.stream) && !progress.refreshing && progress.stats.error === null) {
        await target.beginFullRefresh(event.stream);
        progress.refreshing = true;
      }
    },
    state: async (event: Extract<TapEvent, { kind: 'state' }>) => {
      const progress = progressOf(event.stream);
      if (progress.stats.error !== null) return;
      await flush(event.stream, progress);
      if (progress.refreshing) {
        progress.heldState = event.state;
        await target.checkpoint({});
      } else {
        await target.checkpoint({ [event.stream]: event.state });
      }
    },
    complete: async (stream: string, progress: StreamProgress) => {
      if (!progress.refreshing || progress.stats.error !== null) return;
      await flush(stream, progress);
      await target.completeFullRefresh(stream, progress.heldState ? { [stream]: progress.heldState } : {});
      progress.refreshing = false;
    },
    fail: async (stream: string, message: string) => {
      const progress = progressOf(stream);
      progress.stats.error ??= message;
      progress.buffer.take(); // rows after the last state: the next run reads them again
      if (progress.refreshing) await target.abortFullRefresh(stream);
      progress.refreshing = false;
    },
  };

  try {
    for await (const event of events) {
      if (event.kind === 'record') {
        const progress = progressOf(event.stream);
        if (progress.stats.error !== null) continue;
        progress.stats.records += 1;
        const full = progress.buffer.push(event.data, event.emittedAt, JSON.stringify(event.data).length);
        if (full) await flush(event.stream, progress);
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
    await target.checkpoint({});
  } catch (error) {
    for (const [stream, progress] of streams) {
      if (progress.refreshing) await target.abortFullRefresh(stream).catch(() => undefined);
    }
    throw error;
  }
  return Object.fromEntries([...streams].map(([stream, progress]) => [stream, progress.stats]));
}
