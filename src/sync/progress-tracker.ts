import type { StreamCounters, TapEvent } from '../tap/events.js';
import { findStream } from '../tap/streams/index.js';

export interface StreamProgress {
  stream: string;
  records: number;
  requests: number;
  retries: number;
  /** Records read but not emitted: an earlier run already delivered them unchanged. */
  unchanged: number;
  total: number | null;
  startedAt: number;
  endedAt: number | null;
  /** `read`: the tap has finished the stream, its last rows may not be committed yet. */
  status: 'running' | 'read' | 'complete' | 'failed' | 'interrupted';
  error: string | null;
  /** The stream's last state (and every row before it) is committed. */
  stateCommitted: boolean;
}

/** Follows tap events to know, per stream, how far a sync has come. Time is passed in. */
export class ProgressTracker {
  readonly streams = new Map<string, StreamProgress>();

  observe(event: TapEvent, now: number): void {
    if (event.kind === 'log') return;
    const progress = this.streamProgress(event.stream, now);
    switch (event.kind) {
      case 'state':
        progress.stateCommitted = false;
        break;
      case 'progress':
        this.applyCounters(progress, event.counters, event.total);
        break;
      case 'status':
        if (event.status === 'complete' || event.status === 'incomplete') {
          progress.endedAt = now;
          if (event.status === 'complete' && progress.status !== 'failed')
            progress.status = progress.stateCommitted ? 'complete' : 'read';
          if (event.status === 'incomplete' && progress.status !== 'interrupted') progress.status = 'failed';
        }
        break;
      case 'stream_error':
        if (progress.status === 'interrupted') break;
        progress.status = 'failed';
        progress.error = event.message;
        break;
      default:
        break;
    }
  }

  /** Every row read so far is committed: streams the tap finished are done. */
  committed(): void {
    for (const progress of this.streams.values())
      if (progress.status === 'read') progress.status = 'complete';
  }

  /** These streams' last states are committed: a stream the tap finished is done from now on. */
  statesCommitted(streams: readonly string[]): void {
    for (const stream of streams) {
      const progress = this.streams.get(stream);
      if (progress === undefined) continue;
      progress.stateCommitted = true;
      if (progress.status === 'read') progress.status = 'complete';
    }
  }

  /** A stream stopped by an interrupt: not a failure, and said so everywhere. */
  interrupted(stream: string): void {
    const progress = this.streams.get(stream);
    if (progress === undefined || progress.status === 'complete') return;
    progress.status = 'interrupted';
    progress.error = null;
  }

  /** After an interrupt: every stream not finished is interrupted. */
  interruptUnfinished(): void {
    for (const progress of this.streams.values())
      if (progress.status === 'running' || progress.status === 'read') this.interrupted(progress.stream);
  }

  failures(): StreamProgress[] {
    return [...this.streams.values()].filter((stream) => stream.status === 'failed');
  }

  /**
   * How far a running stream is, 0 to 1, where it can be known: from the API's total, or for a child
   * stream with no total of its own (session_messages) from how far its parent's list is read.
   */
  fraction(progress: StreamProgress): number | null {
    if (progress.total !== null && progress.total > 0)
      return Math.min(1, (progress.records + progress.unchanged) / progress.total);
    const parentName = (findStream(progress.stream) ?? findStream(progress.stream, 'enterprise'))?.parent
      ?.stream;
    const parent = parentName === undefined ? undefined : this.streams.get(parentName);
    if (parent === undefined || parent.total === null || parent.total <= 0) return null;
    return Math.min(1, (parent.records + parent.unchanged) / parent.total);
  }

  private applyCounters(progress: StreamProgress, counters: StreamCounters, total: number | null): void {
    progress.records = counters.records;
    progress.requests = counters.requests;
    progress.retries = counters.retries;
    progress.unchanged = counters.unchanged ?? 0;
    if (total !== null) progress.total = total;
  }

  private streamProgress(stream: string, now: number): StreamProgress {
    let progress = this.streams.get(stream);
    if (!progress) {
      progress = {
        stream,
        records: 0,
        requests: 0,
        retries: 0,
        unchanged: 0,
        total: null,
        startedAt: now,
        endedAt: null,
        status: 'running',
        error: null,
        stateCommitted: false,
      };
      this.streams.set(stream, progress);
    }
    return progress;
  }
}
