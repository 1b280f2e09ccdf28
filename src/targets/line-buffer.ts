import type { JsonObject } from '../tap/json.js';
import { CHUNK_BYTES, type ChunkPool } from './chunk-pool.js';
import { type EncodedRows, keyIdentity } from './row-batch.js';
import type { BatchLimits } from './row-buffer.js';

export interface TakenLines {
  rows: EncodedRows;
  bytes: number;
}

interface Chunk {
  buffer: Buffer;
  used: number;
  rows: number;
}

/**
 * Rows of one stream waiting for a write, kept as JSON text in pooled chunks (see EncodedRows),
 * bounded in rows and bytes. A record becomes text when it arrives, so the object dies young and
 * the batch costs its bytes, outside the JavaScript heap. `mark()` records that a state covers every
 * row so far: `takeCovered()` takes those rows out, `dropUncovered()` forgets the rest. A row with
 * the key of a later row is marked superseded (the keys are kept as long as their rows are here).
 */
export class LineBuffer {
  private chunks: Chunk[] = [];
  private used = 0;
  /** Per row: where its text ends in its chunk. */
  private ends: number[] = [];
  private extractedAt: number[] = [];
  private keys: readonly string[] = [];
  /** Row index of each key in the buffer (keyed streams only). */
  private byKey: Map<string, number> | null = null;
  /** Pairs of row indexes: the earlier row has the key of the later one. */
  private superseded: [number, number][] = [];
  private covered = 0;

  constructor(
    private readonly limits: BatchLimits,
    private readonly pool: ChunkPool,
  ) {}

  /** The stream's primary key; rows with the key of a later row are then marked superseded. */
  setKeys(keys: readonly string[]): void {
    if (keys.length === this.keys.length && keys.every((key, index) => key === this.keys[index])) return;
    this.keys = [...keys];
    // Marks made under other keys may be wrong: every row is written (the last of a key still wins).
    this.superseded = [];
    this.byKey = keys.length > 0 ? new Map() : null;
  }

  /** Adds a row; returns its size in bytes. */
  push(row: JsonObject, extractedAt: number): number {
    const json = JSON.stringify(row);
    const chunk = this.room(json);
    const bytes = chunk.buffer.write(json, chunk.used);
    chunk.used += bytes;
    chunk.rows += 1;
    this.used += bytes;
    const index = this.ends.length;
    this.ends.push(chunk.used);
    this.extractedAt.push(extractedAt);
    if (this.byKey !== null) {
      const identity = keyIdentity(this.keys, row);
      if (identity !== null) {
        const earlier = this.byKey.get(identity);
        if (earlier !== undefined) this.superseded.push([earlier, index]);
        this.byKey.set(identity, index);
      }
    }
    return bytes;
  }

  /** Takes every buffered row out. */
  take(): TakenLines {
    return this.split(this.ends.length);
  }

  /** A state covers every row buffered so far. */
  mark(): void {
    this.covered = this.ends.length;
  }

  /** Takes out the rows the last `mark()` covered; the rows after it stay. */
  takeCovered(): TakenLines {
    return this.split(this.covered);
  }

  /** Forgets the rows after the last `mark()`; returns their bytes. */
  dropUncovered(): number {
    const before = this.used;
    const { taken, rest } = this.divide(this.covered);
    for (const chunk of rest) this.pool.give(chunk.buffer.buffer as ArrayBuffer);
    this.chunks = taken;
    this.used = taken.reduce((sum, chunk) => sum + chunk.used, 0);
    this.ends.length = this.covered;
    this.extractedAt.length = this.covered;
    // A row is superseded only by a row that stays. (A failed stream takes no more rows: the keys
    // of the dropped rows need not point back at the rows they superseded.)
    this.superseded = this.superseded.filter(([, later]) => later < this.covered);
    if (this.byKey !== null) {
      for (const [identity, index] of this.byKey) if (index >= this.covered) this.byKey.delete(identity);
    }
    return before - this.used;
  }

  get size(): number {
    return this.ends.length;
  }

  get coveredSize(): number {
    return this.covered;
  }

  get bytes(): number {
    return this.used;
  }

  get full(): boolean {
    return this.ends.length >= this.limits.rows || this.used >= this.limits.bytes;
  }

  /** The chunk `json` goes in: the last one when it has room, else a new one. */
  private room(json: string): Chunk {
    const last = this.chunks.at(-1);
    if (last) {
      const room = last.buffer.length - last.used;
      if (room >= json.length * 3 || room >= Buffer.byteLength(json)) return last;
    }
    const bytes = Buffer.byteLength(json);
    // A row larger than a chunk gets a buffer of its own size.
    const buffer = bytes > CHUNK_BYTES ? Buffer.from(new ArrayBuffer(bytes)) : this.pool.take();
    const chunk = { buffer, used: 0, rows: 0 };
    this.chunks.push(chunk);
    return chunk;
  }

  /**
   * The chunks holding the first `count` rows and those holding the rest. A chunk holding rows of
   * both is cut: the rows after the first `count` are copied into a new chunk.
   */
  private divide(count: number): { taken: Chunk[]; rest: Chunk[] } {
    let rows = 0;
    for (const [index, chunk] of this.chunks.entries()) {
      if (rows + chunk.rows <= count) {
        rows += chunk.rows;
        continue;
      }
      const taken = this.chunks.slice(0, index);
      const rest = this.chunks.slice(index);
      const inTaken = count - rows;
      if (inTaken > 0) {
        const cut = this.ends[count - 1] ?? 0;
        const tail = { buffer: this.pool.take(), used: chunk.used - cut, rows: chunk.rows - inTaken };
        chunk.buffer.copy(tail.buffer, 0, cut, chunk.used);
        for (let row = count; row < count + tail.rows; row += 1) this.ends[row] = (this.ends[row] ?? 0) - cut;
        taken.push({ buffer: chunk.buffer, used: cut, rows: inTaken });
        rest[0] = tail;
      }
      return { taken, rest };
    }
    return { taken: this.chunks, rest: [] };
  }

  /** Takes the first `count` rows out as a batch of their own. */
  private split(count: number): TakenLines {
    const { taken, rest } = this.divide(count);
    const superseded = this.superseded.filter(([, later]) => later < count);
    let marks: Uint8Array | null = null;
    if (superseded.length > 0) {
      marks = new Uint8Array(count);
      for (const [earlier] of superseded) marks[earlier] = 1;
    }
    const bytes = taken.reduce((sum, chunk) => sum + chunk.used, 0);
    const rows: EncodedRows = {
      chunks: taken.map((chunk) => new Uint8Array(chunk.buffer.buffer, 0, chunk.used)),
      chunkRows: Uint32Array.from(taken, (chunk) => chunk.rows),
      ends: Uint32Array.from(this.ends.slice(0, count)),
      extractedAt: Float64Array.from(this.extractedAt.slice(0, count)),
      superseded: marks,
    };
    this.chunks = rest;
    this.used -= bytes;
    this.ends = this.ends.slice(count);
    this.extractedAt = this.extractedAt.slice(count);
    this.superseded = this.superseded
      .filter(([earlier]) => earlier >= count)
      .map(([earlier, later]) => [earlier - count, later - count]);
    if (this.byKey !== null) {
      const byKey = new Map<string, number>();
      for (const [identity, index] of this.byKey) if (index >= count) byKey.set(identity, index - count);
      this.byKey = byKey;
    }
    this.covered = 0;
    return { rows, bytes };
  }
}
