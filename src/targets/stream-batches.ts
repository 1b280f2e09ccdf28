import type { RereadScope } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';
import type { StreamState, TapState } from '../tap/state/state.js';
import { type BatchBuffer, ObjectBuffer, type TakenBatch } from './batch-buffer.js';
import { ChunkPool } from './chunk-pool.js';
import { LineBuffer } from './line-buffer.js';
import { isEncoded } from './row-batch.js';
import type { BatchLimits } from './row-buffer.js';
import { ScopeQueue } from './scope-queue.js';
import type { Target } from './target.js';

export interface StreamWriteStats {
  records: number;
  inserted: number;
  updated: number;
  /** Rows rewritten with the same content (absent while there are none). */
  unchanged?: number;
  /** The stream's stream_error message, or null. */
  error: string | null;
}

interface StreamProgress {
  stats: StreamWriteStats;
  buffer: BatchBuffer;
  /** Latest state whose rows are still (partly) buffered: it goes with them when they are written. */
  bufferedState: StreamState | null;
  refreshing: boolean;
  /** Latest state of a stream under full refresh whose rows are written: stored when it completes. */
  heldState: StreamState | null;
  scopes: ScopeQueue;
}

/**
 * The rows and states of every stream between two commits. Rows wait in per-stream buffers; a
 * state marks the rows it covers. A commit writes every stream's covered rows (one batch per stream)
 * and then stores, in the same transaction, the states whose rows are all written. The rows after a
 * stream's last state wait for the next state, so a failing stream never writes them.
 *
 * Work is chained: the target calls of one commit run while the next events are buffered, and the
 * next commit waits for them (so at most one commit's rows are in flight besides the buffers).
 */
export class StreamBatches {
  readonly streams = new Map<string, StreamProgress>();
  /** States whose rows are all written (or being written), not committed yet. */
  private pending: TapState = {};
  private bufferedBytes = 0;
  private inFlight: Promise<void> = Promise.resolve();
  /** Chained target calls not finished yet. */
  private running = 0;
  /** The chunks rows are buffered in, used again once written. */
  private readonly pool = new ChunkPool();

  constructor(
    private readonly target: Target,
    private readonly limits: BatchLimits,
  ) {}

  progressOf(stream: string): StreamProgress {
    let progress = this.streams.get(stream);
    if (!progress) {
      const stats: StreamWriteStats = { records: 0, inserted: 0, updated: 0, error: null };
      progress = {
        stats,
        buffer: this.target.takesEncodedRows
          ? new LineBuffer(this.limits, this.pool)
          : new ObjectBuffer(this.limits),
        bufferedState: null,
        refreshing: false,
        heldState: null,
        scopes: new ScopeQueue(),
      };
      this.streams.set(stream, progress);
    }
    return progress;
  }

  /** The stream's primary key (from its schema): a batch then writes only the last row of a key. */
  keys(stream: string, keys: readonly string[]): void {
    this.progressOf(stream).buffer.setKeys(keys);
  }

  /** Buffers a record; true when the stream's buffer or the bytes of all buffers reached their limit. */
  push(stream: string, data: JsonObject, emittedAt: number): boolean {
    const progress = this.progressOf(stream);
    progress.stats.records += 1;
    progress.scopes.open?.kept.push(data);
    this.bufferedBytes += progress.buffer.push(data, emittedAt);
    return progress.buffer.full || this.overBudget;
  }

  /** The records that follow replace the stream's rows inside `scope` (not under full refresh). */
  reread(stream: string, scope: RereadScope): void {
    const progress = this.progressOf(stream);
    if (progress.refreshing || progress.stats.error !== null) return;
    progress.scopes.start(scope);
  }

  /** A state covering every buffered row of the stream. */
  state(stream: string, state: StreamState): void {
    const progress = this.progressOf(stream);
    progress.scopes.covered();
    if (progress.buffer.size === 0) this.written(stream, progress, state);
    else {
      progress.buffer.mark();
      progress.bufferedState = state;
    }
  }

  /** Whether a commit would store anything: a state ready or covered rows. */
  get committable(): boolean {
    if (Object.keys(this.pending).length > 0) return true;
    for (const progress of this.streams.values())
      if (progress.buffer.coveredSize > 0 || progress.scopes.ready.length > 0) return true;
    return false;
  }

  /** Whether the target is still working on earlier writes (a commit now would wait for them). */
  get busy(): boolean {
    return this.running > 0;
  }

  get overBudget(): boolean {
    return this.bufferedBytes >= this.limits.bytes;
  }

  /**
   * Writes every stream's covered rows and commits them with the states they complete (chained:
   * `settle()` waits for it). Waits for the previous commit first.
   */
  async commit(committed?: (streams: readonly string[]) => void): Promise<void> {
    await this.settle();
    for (const [stream, progress] of this.streams) {
      if (progress.buffer.coveredSize > 0) this.write(stream, progress, progress.buffer.takeCovered());
      for (const { scope, kept } of progress.scopes.takeReady())
        this.chain(() => this.target.clearScope(stream, scope, kept));
    }
    const state = this.pending;
    this.pending = {};
    this.chain(async () => {
      await this.target.checkpoint(state);
      committed?.(Object.keys(state));
    });
  }

  /** Writes every buffered row of the stream (a full buffer, or a stream read to its end). */
  async writeAll(stream: string): Promise<void> {
    const progress = this.progressOf(stream);
    if (progress.buffer.size === 0) return;
    await this.settle();
    this.write(stream, progress, progress.buffer.take());
  }

  /** Writes the buffers still over the limits after a commit, largest first. */
  async relieve(): Promise<void> {
    const bySize = [...this.streams].sort(([, a], [, b]) => b.buffer.bytes - a.buffer.bytes);
    for (const [stream, progress] of bySize) {
      if (progress.buffer.full || this.overBudget) await this.writeAll(stream);
    }
  }

  /** A failed stream keeps what its last state covered; a failed full refresh keeps nothing. */
  fail(stream: string, message: string): void {
    const progress = this.progressOf(stream);
    progress.stats.error ??= message;
    progress.scopes.dropUncovered();
    if (progress.refreshing) {
      this.bufferedBytes -= progress.buffer.take().bytes;
      progress.bufferedState = null;
    } else {
      this.bufferedBytes -= progress.buffer.dropUncovered();
    }
  }

  /** Takes the states that are ready to commit (the caller stores them). */
  takePending(): TapState {
    const state = this.pending;
    this.pending = {};
    return state;
  }

  /** Waits for the chained work (and throws its error). */
  async settle(): Promise<void> {
    const running = this.inFlight;
    this.inFlight = Promise.resolve();
    await running;
  }

  private write(stream: string, progress: StreamProgress, taken: TakenBatch): void {
    this.bufferedBytes -= taken.bytes;
    this.chain(async () => {
      const encoded = isEncoded(taken.rows) ? taken.rows : null;
      const writing = this.target.write(stream, taken.rows, taken.extractedAt);
      // A target on another thread has a copy of the objects, or the encoded rows' buffers (their
      // chunks come back with the answer): the rows need not live here until it is done.
      taken.rows = [];
      taken.extractedAt = [];
      const written = await writing;
      if (encoded) this.pool.giveBatch(encoded);
      progress.stats.inserted += written.inserted;
      progress.stats.updated += written.updated;
      if (written.unchanged) progress.stats.unchanged = (progress.stats.unchanged ?? 0) + written.unchanged;
    });
    if (progress.bufferedState !== null && progress.buffer.coveredSize === 0) {
      this.written(stream, progress, progress.bufferedState);
      progress.bufferedState = null;
    }
  }

  /** The state's rows are written (or chained before any later checkpoint). */
  private written(stream: string, progress: StreamProgress, state: StreamState): void {
    if (progress.refreshing) progress.heldState = state;
    else this.pending[stream] = state;
  }

  private chain(work: () => Promise<void>): void {
    this.running += 1;
    this.inFlight = this.inFlight.then(work).finally(() => {
      this.running -= 1;
    });
    this.inFlight.catch(() => undefined); // awaited by the next settle()
  }
}
