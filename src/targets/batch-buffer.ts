import type { JsonObject } from '../tap/json.js';
import type { WriteRows } from './row-batch.js';
import { type BatchLimits, RowBuffer, recordBytes } from './row-buffer.js';

export interface TakenBatch {
  rows: WriteRows;
  /** Epoch ms per row, for rows as objects (encoded rows carry their own). */
  extractedAt?: number[];
  bytes: number;
}

/**
 * Rows of one stream waiting for a write (see LineBuffer, which keeps them encoded, and
 * ObjectBuffer). `mark()` records that a state covers every row so far: `takeCovered()` takes those
 * rows out, `dropUncovered()` forgets the rest (and returns their bytes).
 */
export interface BatchBuffer {
  setKeys(keys: readonly string[]): void;
  /** Adds a row; returns its size in bytes. */
  push(row: JsonObject, extractedAt: number): number;
  take(): TakenBatch;
  mark(): void;
  takeCovered(): TakenBatch;
  dropUncovered(): number;
  readonly size: number;
  readonly coveredSize: number;
  readonly bytes: number;
  readonly full: boolean;
}

/** Rows kept as objects, for a target that is best given objects (see Target.takesEncodedRows). */
export class ObjectBuffer implements BatchBuffer {
  private readonly rows: RowBuffer;

  constructor(limits: BatchLimits) {
    this.rows = new RowBuffer(limits);
  }

  /** The target deduplicates keys itself. */
  setKeys(_keys: readonly string[]): void {}

  push(row: JsonObject, extractedAt: number): number {
    const bytes = recordBytes(row);
    this.rows.push(row, extractedAt, bytes);
    return bytes;
  }

  take(): TakenBatch {
    return this.rows.take();
  }

  mark(): void {
    this.rows.mark();
  }

  takeCovered(): TakenBatch {
    return this.rows.takeCovered();
  }

  dropUncovered(): number {
    return this.rows.dropUncovered();
  }

  get size(): number {
    return this.rows.size;
  }

  get coveredSize(): number {
    return this.rows.coveredSize;
  }

  get bytes(): number {
    return this.rows.bytes;
  }

  get full(): boolean {
    return this.rows.full;
  }
}
