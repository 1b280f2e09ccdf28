import type { Writable } from 'node:stream';
import { wrapText } from '../io/wrap-text.js';
import { LINE_WIDTH, progressLine } from './progress-format.js';
import type { ProgressTracker } from './progress-tracker.js';

export type DisplayMode = 'live' | 'plain' | 'quiet';

/**
 * Shows a tracker's progress on stderr: redrawn in place on a TTY (every 200 ms, the first time at
 * once), a plain line every few seconds otherwise, nothing when quiet. Log lines go through `log`, so
 * they appear above the live lines instead of tearing them.
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
    if (this.mode === 'live') this.draw();
    this.timer = setInterval(() => this.draw(), interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.mode === 'live') this.draw();
  }

  /** One log line, above the live lines; on a terminal wrapped by us, never by the terminal. */
  log(line: string): void {
    const text = this.mode === 'live' ? wrapText(line, LINE_WIDTH - 2).join('\n  ') : line;
    if (this.mode !== 'live' || this.drawnLines === 0) {
      this.out.write(`${text}\n`);
      return;
    }
    this.out.write(`\x1b[${this.drawnLines}F\x1b[0J${text}\n`);
    this.drawnLines = 0;
    if (this.timer !== undefined) this.draw();
  }

  private lines(): string[] {
    const now = this.now();
    return [...this.tracker.streams.values()].map((progress) =>
      progressLine(progress, now, this.tracker.fraction(progress)),
    );
  }

  private draw(): void {
    const lines = this.lines();
    if (this.mode === 'plain') {
      for (const line of lines) this.out.write(`progress: ${line}\n`);
      return;
    }
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    const shown = lines.length > 0 ? lines : ['connecting...'];
    this.out.write(`${up}${shown.map((line) => `\x1b[2K${line.slice(0, LINE_WIDTH)}`).join('\n')}\n`);
    this.drawnLines = shown.length;
  }
}
