import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { JsonLinesWriter } from '../src/protocol/json-lines.js';

class SlowSink extends Writable {
  readonly chunks: string[] = [];
  constructor() {
    super({ highWaterMark: 16 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString('utf8'));
    setTimeout(done, 1);
  }
}

describe('JsonLinesWriter', () => {
  it('writes every message once, in order, in few chunks, waiting for a full sink to drain', async () => {
    const sink = new SlowSink();
    const writer = new JsonLinesWriter(sink);
    const messages = Array.from({ length: 20_000 }, (_, i) => ({ i, text: `é ${'x'.repeat(i % 50)}` }));
    for (const message of messages) await writer.write(message);
    await writer.flush();
    await new Promise<void>((resolve) => sink.end(resolve));
    const lines = sink.chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(messages);
    expect(sink.chunks.length).toBeLessThan(20);
  });

  it('never buffers more than a chunk in a slow sink: a full chunk waits for it to drain', async () => {
    const sink = new SlowSink();
    const writer = new JsonLinesWriter(sink);
    const line = 'x'.repeat(1000);
    let most = 0;
    let sent = 0;
    for (let i = 0; i < 3000; i += 1) {
      const pending = writer.writeLine(`"${line}${i}"`);
      if (pending) await pending;
      sent += 1;
      most = Math.max(most, sink.writableLength);
    }
    await writer.flush();
    await new Promise<void>((resolve) => sink.end(resolve));
    const lines = sink.chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(Array.from({ length: sent }, (_, i) => `"${line}${i}"`));
    // About 3 MB went through; at most one chunk (256 KB, twice that for a line past its end) waited.
    expect(most).toBeLessThanOrEqual(512 * 1024);
  });

  it('writes lines longer than a chunk, with multi-byte characters, intact and in order', async () => {
    const sink = new SlowSink();
    const writer = new JsonLinesWriter(sink);
    const messages = [{ a: 'x' }, { big: '✓é'.repeat(300_000) }, { b: '😀'.repeat(100_000) }, { c: 1 }];
    for (const message of messages) await writer.write(message);
    await writer.flush();
    await new Promise<void>((resolve) => sink.end(resolve));
    const lines = sink.chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(messages);
  });

  it('holds a lone line back at most 100 ms (a fake clock)', async () => {
    vi.useFakeTimers();
    try {
      const sink = new SlowSink();
      const writer = new JsonLinesWriter(sink);
      await writer.write({ type: 'STATE' });
      await vi.advanceTimersByTimeAsync(99);
      expect(sink.chunks).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(sink.chunks).toEqual(['{"type":"STATE"}\n']);
    } finally {
      vi.useRealTimers();
    }
  });
});
