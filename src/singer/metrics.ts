import type { TapEvent } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';

interface StreamMetrics {
  startedAt: number | null;
  /** Records since the last record_count metric. */
  pendingRecords: number;
  /** Cumulative requests from the stream's latest progress event, and how many were already reported. */
  requests: number;
  reportedRequests: number;
  /** Requests and request seconds at the previous progress event (for the request timer). */
  timedRequests: number;
  timedSeconds: number;
}

/**
 * Singer METRIC log lines (singer-python's format: `INFO METRIC: {...}` on stderr), derived from the tap
 * events. Counters carry increments since their previous report, so summing a stream's lines gives its
 * total: record_count at the cadence of STATE messages and at the stream's end, http_request_count and
 * a sync_duration timer at the stream's end, and an http_request_duration timer per page read (the
 * mean seconds of the requests since the previous one, retries and back-off included).
 */
export class MetricsTracker {
  private readonly streams = new Map<string, StreamMetrics>();

  observe(event: TapEvent, now: number): string[] {
    switch (event.kind) {
      case 'status':
        if (event.status === 'started') this.stream(event.stream).startedAt = now;
        if (event.status === 'complete' || event.status === 'incomplete') {
          return this.finishStream(event.stream, event.status === 'complete', now);
        }
        return [];
      case 'record':
        this.stream(event.stream).pendingRecords += 1;
        return [];
      case 'progress':
        this.stream(event.stream).requests = event.counters.requests;
        return this.requestDuration(event.stream, event.counters.requests, event.counters.requestSeconds);
      case 'state':
        return this.recordCount(event.stream);
      default:
        return [];
    }
  }

  /** Whatever is still unreported, for streams that never reached a final status (an aborted run). */
  finish(): string[] {
    return [...this.streams.keys()].flatMap((stream) => [
      ...this.recordCount(stream),
      ...this.requestCount(stream),
    ]);
  }

  private stream(name: string): StreamMetrics {
    let metrics = this.streams.get(name);
    if (metrics === undefined) {
      metrics = {
        startedAt: null,
        pendingRecords: 0,
        requests: 0,
        reportedRequests: 0,
        timedRequests: 0,
        timedSeconds: 0,
      };
      this.streams.set(name, metrics);
    }
    return metrics;
  }

  private finishStream(name: string, succeeded: boolean, now: number): string[] {
    const metrics = this.stream(name);
    const lines = [...this.recordCount(name), ...this.requestCount(name)];
    if (metrics.startedAt !== null) {
      const seconds = Math.max(0, now - metrics.startedAt) / 1000;
      const tags = { endpoint: name, status: succeeded ? 'succeeded' : 'failed' };
      lines.push(metricLine('timer', 'sync_duration', seconds, tags));
      metrics.startedAt = null;
    }
    return lines;
  }

  private recordCount(name: string): string[] {
    const metrics = this.stream(name);
    if (metrics.pendingRecords === 0) return [];
    const line = metricLine('counter', 'record_count', metrics.pendingRecords, { endpoint: name });
    metrics.pendingRecords = 0;
    return [line];
  }

  private requestDuration(name: string, requests: number, seconds: number | undefined): string[] {
    const metrics = this.stream(name);
    const count = requests - metrics.timedRequests;
    if (seconds === undefined || count <= 0) return [];
    const mean = (seconds - metrics.timedSeconds) / count;
    metrics.timedRequests = requests;
    metrics.timedSeconds = seconds;
    const tags = { endpoint: name, requests: count };
    return [metricLine('timer', 'http_request_duration', Math.round(mean * 1000) / 1000, tags)];
  }

  private requestCount(name: string): string[] {
    const metrics = this.stream(name);
    const delta = metrics.requests - metrics.reportedRequests;
    if (delta <= 0) return [];
    metrics.reportedRequests = metrics.requests;
    return [metricLine('counter', 'http_request_count', delta, { endpoint: name })];
  }
}

export function metricLine(
  type: 'counter' | 'timer',
  metric: string,
  value: number,
  tags: JsonObject,
): string {
  return `INFO METRIC: ${JSON.stringify({ type, metric, value, tags })}`;
}
