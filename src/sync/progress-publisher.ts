import { type ProgressSnapshot, removeProgress, writeProgress } from '../io/progress-file.js';
import type { TapState } from '../tap/state/state.js';
import type { ProgressTracker } from './progress-tracker.js';

/** How often the progress file is rewritten. */
const INTERVAL_MS = 1000;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Bookmarks (cursor, epoch seconds) of the state a sync starts from, as ISO date-times. */
function bookmarksOf(state: TapState): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(state).map(([stream, value]) => [
      stream,
      typeof value.cursor === 'number' ? iso(value.cursor * 1000) : null,
    ]),
  );
}

/** Keeps `<database>.progress.json` up to date while a sync runs; removes it when the sync ends. */
export class ProgressPublisher {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt: string;

  constructor(
    private readonly database: string,
    private readonly tracker: ProgressTracker,
    private readonly state: TapState,
    private readonly now: () => number,
  ) {
    this.startedAt = iso(now());
  }

  start(): void {
    this.publish();
    this.timer = setInterval(() => this.publish(), INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    try {
      removeProgress(this.database);
    } catch {
      // A courtesy file: its absence, or a failure to remove it, never fails the sync.
    }
  }

  private publish(): void {
    const streams: ProgressSnapshot['streams'] = {};
    for (const [name, progress] of this.tracker.streams)
      streams[name] = { records: progress.records, requests: progress.requests, status: progress.status };
    const snapshot: ProgressSnapshot = {
      command: 'sync',
      pid: process.pid,
      startedAt: this.startedAt,
      updatedAt: iso(this.now()),
      streams,
      bookmarks: bookmarksOf(this.state),
    };
    try {
      writeProgress(this.database, snapshot);
    } catch {
      // A read-only directory or a full disk: the sync goes on without a progress file.
    }
  }
}
