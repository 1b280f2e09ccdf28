import type { JsonObject, JsonValue } from '../tap/json.js';
import { wellFormed } from './well-formed.js';

/**
 * A batch of rows as JSON text, one row after another in a few fixed-size chunks: what `sync`
 * hands the writer thread. The chunks are transferred, not cloned (no copy in both heaps), and come
 * back with the answer to be filled again; the writer parses one row at a time, so a batch never
 * lives as objects on either thread.
 */
export interface EncodedRows {
  /** UTF-8 JSON text of the rows, back to back; a row never spans two chunks. */
  readonly chunks: Uint8Array[];
  /** Rows in each chunk. */
  readonly chunkRows: Uint32Array;
  /** Where each row's text ends in its chunk (it starts where the previous one of the chunk ends). */
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

/** Calls `each` with every row of an encoded batch, parsed, in order. */
export function forEachEncoded(
  encoded: EncodedRows,
  each: (record: JsonObject, index: number, superseded: boolean) => void,
): void {
  let index = 0;
  for (const [chunkIndex, chunk] of encoded.chunks.entries()) {
    const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const last = index + (encoded.chunkRows[chunkIndex] ?? 0);
    let start = 0;
    for (; index < last; index += 1) {
      const end = encoded.ends[index] ?? 0;
      const record = JSON.parse(text.toString('utf8', start, end)) as JsonObject;
      each(record, index, encoded.superseded?.[index] === 1);
      start = end;
    }
  }
}

/** Every row as an object (for a caller that needs the whole batch at once). */
export function decodeRows(rows: WriteRows): { rows: JsonObject[]; extractedAt: number[] | undefined } {
  if (!isEncoded(rows)) return { rows: [...rows], extractedAt: undefined };
  const decoded: JsonObject[] = [];
  forEachEncoded(rows, (record) => decoded.push(record));
  return { rows: decoded, extractedAt: [...rows.extractedAt] };
}

/** The buffers to transfer with an encoded batch (it is unusable on the sending side afterwards). */
export function transferables(encoded: EncodedRows): ArrayBuffer[] {
  const buffers = [encoded.ends.buffer, encoded.chunkRows.buffer, encoded.extractedAt.buffer];
  for (const chunk of encoded.chunks) buffers.push(chunk.buffer);
  if (encoded.superseded) buffers.push(encoded.superseded.buffer);
  return [...new Set(buffers)].filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}

/** The chunks' buffers, handed back once a batch is written (to be filled again). */
export function chunkBuffers(encoded: EncodedRows): ArrayBuffer[] {
  return encoded.chunks
    .map((chunk) => chunk.buffer)
    .filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer && buffer.byteLength > 0);
}

/** Puts chunk buffers that came back from another thread in place of the batch's transferred ones. */
export function restoreChunks(encoded: EncodedRows, buffers: readonly ArrayBuffer[]): void {
  for (const [index, buffer] of buffers.entries()) {
    if (index < encoded.chunks.length) encoded.chunks[index] = new Uint8Array(buffer);
  }
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
  return typeof value === 'string' ? `s${wellFormed(value)}` : `v${JSON.stringify(value)}`;
}
