import type { JsonObject } from '../tap/json.js';

export interface BatchLimits {
  /** Rows per write. Default 5,000. */
  rows: number;
  /** Approximate bytes (JSON text) per write. Default 16 MB. */
  bytes: number;
}

export const DEFAULT_LIMITS: BatchLimits = { rows: 5000, bytes: 16 * 1024 * 1024 };

/**
 * About the size of a record's JSON text, without serializing it: string lengths plus a few bytes
 * per other value; nested objects and arrays are measured exactly.
 */
export function recordBytes(row: JsonObject): number {
  let bytes = 2;
  for (const key in row) {
    const value = row[key];
    bytes += key.length + 4;
    if (typeof value === 'string') bytes += value.length + 2;
    else if (value !== null && typeof value === 'object') bytes += JSON.stringify(value).length;
    else bytes += 8;
  }
  return bytes;
}

export interface TakenRows {
  rows: JsonObject[];
  extractedAt: number[];
  bytes: number;
}

/**
 * Rows of one stream waiting for a write, bounded in rows and bytes. `mark()` records that a state
 * covers every row so far: `takeCovered()` takes those rows out, `dropUncovered()` forgets the rest.
 */
export class RowBuffer {
  rows: JsonObject[] = [];
  extractedAt: number[] = [];
  private totalBytes = 0;
  private covered = 0;
  private coveredBytes = 0;

  constructor(private readonly limits: BatchLimits) {}

  /** Adds a row; returns true when the buffer is full and must be written. */
  push(row: JsonObject, extractedAt: number, bytes: number): boolean {
    this.rows.push(row);
    this.extractedAt.push(extractedAt);
    this.totalBytes += bytes;
    return this.full;
  }

  /** Takes every buffered row out. */
  take(): TakenRows {
    const taken = { rows: this.rows, extractedAt: this.extractedAt, bytes: this.totalBytes };
    this.rows = [];
    this.extractedAt = [];
    this.totalBytes = 0;
    this.covered = 0;
    this.coveredBytes = 0;
    return taken;
  }

  /** A state covers every row buffered so far. */
  mark(): void {
    this.covered = this.rows.length;
    this.coveredBytes = this.totalBytes;
  }

  /** Takes out the rows the last `mark()` covered; the rows after it stay. */
  takeCovered(): TakenRows {
    if (this.covered === this.rows.length) return this.take();
    const taken = {
      rows: this.rows.slice(0, this.covered),
      extractedAt: this.extractedAt.slice(0, this.covered),
      bytes: this.coveredBytes,
    };
    this.rows = this.rows.slice(this.covered);
    this.extractedAt = this.extractedAt.slice(this.covered);
    this.totalBytes -= this.coveredBytes;
    this.covered = 0;
    this.coveredBytes = 0;
    return taken;
  }

  /** Forgets the rows after the last `mark()`; returns their bytes. */
  dropUncovered(): number {
    const dropped = this.totalBytes - this.coveredBytes;
    this.rows.length = this.covered;
    this.extractedAt.length = this.covered;
    this.totalBytes = this.coveredBytes;
    return dropped;
  }

  get size(): number {
    return this.rows.length;
  }

  get coveredSize(): number {
    return this.covered;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get full(): boolean {
    return this.rows.length >= this.limits.rows || this.totalBytes >= this.limits.bytes;
  }
}
