import type { TapEvent } from '../tap/events.js';
import type { Logger } from './logger.js';

interface StreamFigures {
  startedAt: number;
  records: number;
  requests: number;
  retries: number;
}

/**
 * Turns tap events into log entries for people: INFO when a stream starts and ends (records, requests,
 * seconds), WARN for retries and rejected records, ERROR for a failed stream, and the tap's own logs.
 */
export class StreamLog {
  private readonly streams = new Map<string, StreamFigures>();

  /** `lifecycleOnly`: start, end and retries only (the caller logs the tap's logs, rejections, errors). */
  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly lifecycleOnly = false,
  ) {}

  observe(event: TapEvent): void {
    if (
      this.lifecycleOnly &&
      (event.kind === 'log' || event.kind === 'rejected' || event.kind === 'stream_error')
    )
      return;
    switch (event.kind) {
      case 'log':
        this.logger.log({ level: event.level, message: event.message });
        return;
      case 'rejected':
        this.logger.log({
          level: 'warn',
          stream: event.stream,
          message: `record rejected (${event.reason}); it is not emitted`,
        });
        return;
      case 'progress':
        this.progress(event.stream, event.counters);
        return;
      case 'stream_error':
        this.logger.log({ level: 'error', stream: event.stream, message: `failed: ${event.message}` });
        return;
      case 'status':
        if (event.status === 'started') this.start(event.stream);
        if (event.status === 'complete' || event.status === 'incomplete')
          this.end(event.stream, event.status === 'complete');
        return;
      default:
        return;
    }
  }

  private figures(stream: string): StreamFigures {
    let figures = this.streams.get(stream);
    if (figures === undefined) {
      figures = { startedAt: this.now(), records: 0, requests: 0, retries: 0 };
      this.streams.set(stream, figures);
    }
    return figures;
  }

  private start(stream: string): void {
    this.figures(stream).startedAt = this.now();
    this.logger.log({ level: 'info', stream, message: 'started' });
  }

  private progress(stream: string, counters: { records: number; requests: number; retries: number }): void {
    const figures = this.figures(stream);
    const newRetries = counters.retries - figures.retries;
    Object.assign(figures, {
      records: counters.records,
      requests: counters.requests,
      retries: counters.retries,
    });
    if (newRetries > 0) {
      this.logger.log({
        level: 'warn',
        stream,
        message: `${newRetries} request${newRetries === 1 ? '' : 's'} retried (${counters.retries} so far)`,
        fields: { retries: counters.retries },
      });
    }
  }

  private end(stream: string, complete: boolean): void {
    const { startedAt, records, requests, retries } = this.figures(stream);
    const seconds = Math.round((this.now() - startedAt) / 100) / 10;
    this.logger.log({
      level: complete ? 'info' : 'warn',
      stream,
      message: `${complete ? 'complete' : 'incomplete'}: ${records} records, ${requests} requests, ${seconds} s`,
      fields: { records, requests, retries, seconds },
    });
  }
}
