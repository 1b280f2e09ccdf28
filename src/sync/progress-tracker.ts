import type { StreamCounters, TapEvent } from '../tap/events.js';

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
  status: 'running' | 'complete' | 'failed';
  error: string | null;
}

/** Follows tap events to know, per stream, how far a sync has come. Time is passed in. */
export class ProgressTracker {
  readonly streams = new Map<string, StreamProgress>();

  observe(event: TapEvent, now: number): void {
    if (event.kind === 'log') return;
    const progress = this.streamProgress(event.stream, now);
    switch (event.kind) {
      case 'progress':
        this.applyCounters(progress, event.counters, event.total);
        break;
      case 'status':
        if (event.status === 'complete' || event.status === 'incomplete') {
          progress.endedAt = now;
          if (event.status === 'complete' && progress.status !== 'failed') progress.status = 'complete';
          if (event.status === 'incomplete') progress.status = 'failed';
        }
        break;
      case 'stream_error':
        progress.status = 'failed';
        progress.error = event.message;
        break;
      default:
        break;
    }
  }

  failures(): StreamProgress[] {
    return [...this.streams.values()].filter((stream) => stream.status === 'failed');
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
      };
      this.streams.set(stream, progress);
    }
    return progress;
  }
}
