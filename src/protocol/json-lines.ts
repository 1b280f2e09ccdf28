import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes one JSON line and waits for the stream to drain when its buffer is full (backpressure). */
export async function writeJsonLine(stream: Writable, message: unknown): Promise<void> {
  if (!stream.write(`${JSON.stringify(message)}\n`)) {
    await once(stream, 'drain');
  }
}

const CHUNK_CHARS = 256 * 1024;
const MAX_DELAY_MS = 100;

/**
 * Buffers JSON lines and writes them in chunks. Pipes are written synchronously on Linux, so one
 * write per record costs a system call each; chunks cut that cost by orders of magnitude. Lines never
 * wait longer than MAX_DELAY_MS, and `flush()` must be awaited before the process ends.
 */
export class JsonLinesWriter {
  private lines: string[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: Writable) {}

  async write(message: unknown): Promise<void> {
    const line = JSON.stringify(message);
    this.lines.push(line);
    this.size += line.length + 1;
    if (this.size >= CHUNK_CHARS) await this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), MAX_DELAY_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const chunk = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}

/** Resolves once everything written so far has been flushed (before the process exits). */
export async function flushStream(stream: Writable): Promise<void> {
  await new Promise<void>((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
}
