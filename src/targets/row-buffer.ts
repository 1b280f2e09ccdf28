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

/** Rows of one stream waiting for a write, bounded in rows and bytes. */
export class RowBuffer {
  rows: JsonObject[] = [];
  extractedAt: number[] = [];
  private bytes = 0;

  constructor(private readonly limits: BatchLimits) {}

  /** Adds a row; returns true when the buffer is full and must be written. */
  push(row: JsonObject, extractedAt: number, bytes: number): boolean {
    this.rows.push(row);
    this.extractedAt.push(extractedAt);
    this.bytes += bytes;
    return this.rows.length >= this.limits.rows || this.bytes >= this.limits.bytes;
  }

  /** Takes the buffered rows out. */
  take(): { rows: JsonObject[]; extractedAt: number[] } {
    const taken = { rows: this.rows, extractedAt: this.extractedAt };
    this.rows = [];
    this.extractedAt = [];
    this.bytes = 0;
    return taken;
  }

  get size(): number {
    return this.rows.length;
  }
}
