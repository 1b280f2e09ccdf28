import type { JsonObject, JsonValue } from '../tap/json.js';

/**
 * A batch of rows as JSON text, one row after another in one buffer: what `sync` hands the writer
 * thread. Its buffers are transferred, not cloned (no copy in both heaps), and the writer parses
 * one row at a time, so a batch never lives as objects on either thread.
 */
export interface EncodedRows {
  /** UTF-8 JSON text of every row, back to back. */
  readonly text: Uint8Array;
  /** Where each row's text ends in `text` (it starts where the previous one ends). */
  readonly ends: Uint32Array;
  /** Epoch milliseconds per row. */
  readonly extractedAt: Float64Array;
  /**
   * 1 where a later row of the batch has the same key (that one wins), null when no row is.
   * Rows whose key has a missing value are never marked.
   */
  readonly superseded: Uint8Array | null;
}

/** What `Target.write` takes: rows as objects, or encoded (see EncodedRows). */
export type WriteRows = readonly JsonObject[] | EncodedRows;

export function isEncoded(rows: WriteRows): rows is EncodedRows {
  return !Array.isArray(rows);
}

export function rowCount(rows: WriteRows): number {
  return isEncoded(rows) ? rows.ends.length : rows.length;
}

function textOf(encoded: EncodedRows): Buffer {
  const { text } = encoded;
  return Buffer.from(text.buffer, text.byteOffset, text.byteLength);
}

/** Reads the rows of an encoded batch one at a time, in order. */
export class EncodedReader {
  private readonly text: Buffer;

  constructor(readonly encoded: EncodedRows) {
    this.text = textOf(encoded);
  }

  get length(): number {
    return this.encoded.ends.length;
  }

  row(index: number): JsonObject {
    const start = index === 0 ? 0 : (this.encoded.ends[index - 1] ?? 0);
    return JSON.parse(this.text.toString('utf8', start, this.encoded.ends[index])) as JsonObject;
  }

  superseded(index: number): boolean {
    return this.encoded.superseded?.[index] === 1;
  }
}

/** Every row as an object (for a caller that needs the whole batch at once). */
export function decodeRows(rows: WriteRows): { rows: JsonObject[]; extractedAt: number[] | undefined } {
  if (!isEncoded(rows)) return { rows: [...rows], extractedAt: undefined };
  const reader = new EncodedReader(rows);
  const decoded: JsonObject[] = [];
  for (let index = 0; index < reader.length; index += 1) decoded.push(reader.row(index));
  return { rows: decoded, extractedAt: [...rows.extractedAt] };
}

/** The buffers to transfer with an encoded batch (it is unusable on the sending side afterwards). */
export function transferables(encoded: EncodedRows): ArrayBuffer[] {
  const buffers = [encoded.text.buffer, encoded.ends.buffer, encoded.extractedAt.buffer];
  if (encoded.superseded) buffers.push(encoded.superseded.buffer);
  return [...new Set(buffers)].filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}

/**
 * The identity of a record's key, or null when a key value is missing. Two records have the same
 * identity exactly when their key cells would be equal in any column (a string "1" is not 1).
 */
export function keyIdentity(keys: readonly string[], record: JsonObject): string | null {
  if (keys.length === 1) return valueIdentity(record[keys[0] as string]);
  let identity = '';
  for (const key of keys) {
    const part = valueIdentity(record[key]);
    if (part === null) return null;
    identity += `${part.length}:${part}`;
  }
  return identity;
}

function valueIdentity(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? `s${value}` : `v${JSON.stringify(value)}`;
}
