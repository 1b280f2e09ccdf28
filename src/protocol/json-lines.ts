import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes one JSON line and waits for the stream to drain when its buffer is full (backpressure). */
export async function writeJsonLine(stream: Writable, message: unknown): Promise<void> {
  if (!stream.write(`${JSON.stringify(message)}\n`)) {
    await once(stream, 'drain');
  }
}

const CHUNK_BYTES = 256 * 1024;
const MAX_DELAY_MS = 100;
const NEWLINE = 0x0a;

/**
 * Buffers JSON lines and writes them in chunks. Pipes are written synchronously on Linux, so one
 * write per record costs a system call each; chunks cut that cost by orders of magnitude. Each line
 * is encoded straight into the chunk's bytes (no joined string to copy and encode again). Lines never
 * wait longer than MAX_DELAY_MS, and `flush()` must be awaited before the process ends.
 */
export class JsonLinesWriter {
  private chunk = Buffer.allocUnsafe(2 * CHUNK_BYTES);
  private used = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: Writable) {}

  /** One message as a line; like writeLine, a promise only when there is something to wait for. */
  write(message: unknown): Promise<void> | undefined {
    return this.writeLine(JSON.stringify(message));
  }

  /**
   * One line already encoded as JSON (without its newline). Returns undefined when the line was
   * buffered and there is nothing to wait for (most lines: no promise, no await per line), else a
   * promise to await before the next write.
   */
  writeLine(line: string): Promise<void> | undefined {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8, so `room` bytes always hold the line.
    const room = 3 * line.length + 1;
    if (room > this.chunk.length - this.used) return this.flush().then(() => this.append(line, room));
    return this.append(line, room);
  }

  private append(line: string, room: number): Promise<void> | undefined {
    if (room > this.chunk.length - this.used)
      this.chunk = Buffer.allocUnsafe(Math.max(room, 2 * CHUNK_BYTES));
    this.used += this.chunk.write(line, this.used);
    this.chunk[this.used++] = NEWLINE;
    if (this.used >= CHUNK_BYTES) return this.flush();
    this.timer ??= setTimeout(() => void this.flush(), MAX_DELAY_MS);
    return undefined;
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.used === 0) return;
    const bytes = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(2 * CHUNK_BYTES);
    this.used = 0;
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }
}

/** Resolves once everything written so far has been flushed (before the process exits). */
export async function flushStream(stream: Writable): Promise<void> {
  await new Promise<void>((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
}
