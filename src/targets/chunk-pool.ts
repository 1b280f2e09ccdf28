import { chunkBuffers, type EncodedRows } from './row-batch.js';

/** Bytes of a chunk: a batch of 16 MB is 64 of them. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Chunks for encoded rows (see EncodedRows), used again once their batch is written: the buffers
 * that hold rows are allocated once, not once per batch (a buffer freed only when the garbage
 * collector gets round to it would count in the resident set until then). Keeps at most `keep`
 * free chunks.
 */
export class ChunkPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly keep = 128) {}

  take(): Buffer {
    return Buffer.from(this.free.pop() ?? new ArrayBuffer(CHUNK_BYTES));
  }

  /** Returns a chunk; one of another size (a row larger than a chunk has its own) is let go. */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === CHUNK_BYTES && this.free.length < this.keep) this.free.push(buffer);
  }

  /** Returns a written batch's chunks (gone when the batch went to another thread and not back). */
  giveBatch(rows: EncodedRows): void {
    for (const buffer of chunkBuffers(rows)) this.give(buffer);
  }
}
