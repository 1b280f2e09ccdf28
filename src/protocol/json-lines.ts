import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes one JSON line and waits for the stream to drain when its buffer is full (backpressure). */
export async function writeJsonLine(stream: Writable, message: unknown): Promise<void> {
  if (!stream.write(`${JSON.stringify(message)}\n`)) {
    await once(stream, 'drain');
  }
}

/** Resolves once everything written so far has been flushed (before the process exits). */
export async function flushStream(stream: Writable): Promise<void> {
  await new Promise<void>((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
}
