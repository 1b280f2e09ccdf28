import type { ShapedRow } from './rows.js';
import { keyIndexes } from './rows.js';
import type { TableLayout } from './table-layout.js';

/** 2^24 bits (2 MB) per table: at 2 million keys about 2% of new keys look already seen. */
const FILTER_BITS = 1 << 24;
const HASHES = 4;

/**
 * A Bloom filter of keys: `mightHave` is false only for a key never added. Fixed size, so its memory
 * does not grow with the organization; more keys only mean more false "maybe"s.
 */
export class KeyFilter {
  private readonly bits = new Uint32Array(FILTER_BITS / 32);

  add(key: string): void {
    const [a, b] = hashes(key);
    for (let i = 0; i < HASHES; i += 1) {
      const bit = (a + i * b) & (FILTER_BITS - 1);
      this.bits[bit >>> 5] = (this.bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
    }
  }

  mightHave(key: string): boolean {
    const [a, b] = hashes(key);
    for (let i = 0; i < HASHES; i += 1) {
      const bit = (a + i * b) & (FILTER_BITS - 1);
      if (((this.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two 32-bit hashes (FNV-1a and a multiplicative one) for double hashing. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i += 1) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b + c, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a >>> 0, (b | 1) >>> 0];
}

/**
 * The keyed tables this connection saw empty, with every key written to them since: a row whose key
 * the filter has never seen cannot be in the table, so it is inserted without an upsert. Forgotten
 * (`clear`) whenever rows may reach a table another way (a full-refresh swap, a rollback).
 */
export class FreshTables {
  private readonly filters = new Map<string, KeyFilter>();

  /** A count of the table's rows was taken: an empty table starts a filter. */
  counted(table: string, count: number): void {
    if (count === 0 && !this.filters.has(table)) this.filters.set(table, new KeyFilter());
  }

  clear(): void {
    this.filters.clear();
  }

  /**
   * For a table seen empty: per row, whether its key may already be in the table (and records the
   * batch's keys). Null when the table was not seen empty (every row is upserted).
   */
  seen(table: string, layout: TableLayout, rows: readonly ShapedRow[]): boolean[] | null {
    const filter = this.filters.get(table);
    if (!filter || layout.keys.length === 0) return null;
    const indexes = keyIndexes(layout);
    const [only] = indexes;
    const keyOf =
      indexes.length === 1 && only !== undefined
        ? (row: ShapedRow) => String(row.cells[only])
        : (row: ShapedRow) => indexes.map((index) => String(row.cells[index])).join('\u0000');
    return rows.map((row) => {
      const key = keyOf(row);
      const maybe = filter.mightHave(key);
      filter.add(key);
      return maybe;
    });
  }
}
