import type { JsonObject } from '../tap/json.js';
import { type EncodedRows, keyIdentity } from './row-batch.js';
import type { BatchLimits } from './row-buffer.js';

const FIRST_CAPACITY = 64 * 1024;

export interface TakenLines {
  rows: EncodedRows;
  bytes: number;
}

/**
 * Rows of one stream waiting for a write, kept as JSON text in one buffer (see EncodedRows), bounded
 * in rows and bytes. A record becomes text when it arrives, so the object dies young and the batch
 * costs its bytes, outside the JavaScript heap. `mark()` records that a state covers every row so
 * far: `takeCovered()` takes those rows out, `dropUncovered()` forgets the rest. Rows with the key
 * of a later row are marked superseded (the set of keys lives as long as the batch).
 */
export class LineBuffer {
  private text = Buffer.from(new ArrayBuffer(FIRST_CAPACITY));
  private used = 0;
  private ends: number[] = [];
  private extractedAt: number[] = [];
  /** Row index of each key in the buffer (keyed streams only). */
  private byKey: Map<string, number> | null = null;
  /** Pairs of row indexes: the earlier row has the key of the later one. */
  private superseded: [number, number][] = [];
  private keys: readonly string[] = [];
  private covered = 0;

  constructor(private readonly limits: BatchLimits) {}

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
    this.reserve(json);
    const bytes = this.text.write(json, this.used);
    this.used += bytes;
    const index = this.ends.length;
    this.ends.push(this.used);
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
    const end = this.endOf(this.covered);
    const dropped = this.used - end;
    this.used = end;
    this.ends.length = this.covered;
    this.extractedAt.length = this.covered;
    // A row is superseded only by a row that stays. (A failed stream takes no more rows: the keys
    // of the dropped rows need not point back at the rows they superseded.)
    this.superseded = this.superseded.filter(([, later]) => later < this.covered);
    if (this.byKey !== null) {
      for (const [identity, index] of this.byKey) if (index >= this.covered) this.byKey.delete(identity);
    }
    return dropped;
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

  private endOf(rows: number): number {
    return rows === 0 ? 0 : (this.ends[rows - 1] ?? 0);
  }

  /** Room for `json` after the used bytes: the buffer grows by doubling (copying what it holds). */
  private reserve(json: string): void {
    const room = this.text.length - this.used;
    if (room >= json.length * 3) return;
    const needed = this.used + Buffer.byteLength(json);
    if (needed <= this.text.length) return;
    const grown = Buffer.from(new ArrayBuffer(Math.max(needed, this.text.length * 2)));
    this.text.copy(grown, 0, 0, this.used);
    this.text = grown;
  }

  /** Takes the first `count` rows out as a batch of their own; the rest start a new buffer. */
  private split(count: number): TakenLines {
    const end = this.endOf(count);
    const restBytes = this.used - end;
    const rest = Buffer.from(new ArrayBuffer(Math.max(FIRST_CAPACITY, restBytes * 2)));
    this.text.copy(rest, 0, end, this.used);
    // Within the batch taken, a row is skipped only for a later row of the same batch.
    const superseded = this.superseded.filter(([, later]) => later < count);
    let marks: Uint8Array | null = null;
    if (superseded.length > 0) {
      marks = new Uint8Array(count);
      for (const [earlier] of superseded) marks[earlier] = 1;
    }
    const rows: EncodedRows = {
      text: new Uint8Array(this.text.buffer, 0, end),
      ends: Uint32Array.from(this.ends.slice(0, count)),
      extractedAt: Float64Array.from(this.extractedAt.slice(0, count)),
      superseded: marks,
    };
    this.text = rest;
    this.used = restBytes;
    this.ends = this.ends.slice(count).map((value) => value - end);
    this.extractedAt = this.extractedAt.slice(count);
    this.superseded = this.superseded
      .filter(([earlier]) => earlier >= count)
      .map(([earlier, later]) => [earlier - count, later - count]);
    if (this.byKey !== null) this.rekey(count);
    this.covered = 0;
    return { rows, bytes: end };
  }

  /** After the first `count` rows left: the keys of the rows that stay, at their new indexes. */
  private rekey(count: number): void {
    const byKey = new Map<string, number>();
    for (const [identity, index] of this.byKey ?? []) if (index >= count) byKey.set(identity, index - count);
    this.byKey = byKey;
  }
}
