import type { Writable } from 'node:stream';
import { progressLine } from './progress-format.js';
import type { ProgressTracker } from './progress-tracker.js';

export type DisplayMode = 'live' | 'plain' | 'quiet';

/**
 * Shows a tracker's progress on stderr: redrawn in place on a TTY, a plain log line every few
 * seconds otherwise, nothing when quiet.
 */
export class ProgressDisplay {
  private timer: NodeJS.Timeout | undefined;
  private drawnLines = 0;

  constructor(
    private readonly tracker: ProgressTracker,
    private readonly out: Writable,
    private readonly mode: DisplayMode,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.mode === 'quiet') return;
    const interval = this.mode === 'live' ? 200 : 5000;
    this.timer = setInterval(() => this.draw(), interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.mode === 'live') this.draw();
  }

  private draw(): void {
    const now = this.now();
    const lines = [...this.tracker.streams.values()].map((progress) => progressLine(progress, now));
    if (this.mode === 'plain') {
      for (const line of lines) this.out.write(`progress: ${line}\n`);
      return;
    }
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    this.out.write(`${up}${lines.map((line) => `\x1b[2K${line}`).join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
