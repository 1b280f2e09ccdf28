import type { Cell, ShapedRow } from './rows.js';
import { keyIndexes } from './rows.js';
import type { TableLayout } from './table-layout.js';

/** Bits per key of a layer and bits set per key, inside one 512-bit block (one cache line). */
const BITS_PER_KEY = 32;
const PROBES = 16;
const BLOCK_WORDS = 16;
/** The first layer's keys; each next layer holds four times as many. */
const FIRST_CAPACITY = 1 << 14;
const GROWTH = 4;
/**
 * Bytes of filter layers a process keeps for all its tables: 32 MB hold about 5 million keys.
 * Beyond it a table's filter is full: every later key counts as maybe seen (still exact, slower).
 */
export const FILTER_BUDGET_BYTES = 32 * 1024 * 1024;

/** Bytes left for filter layers, shared by the filters of one target. */
export class FilterBudget {
  constructor(private remaining: number = FILTER_BUDGET_BYTES) {}

  take(bytes: number): boolean {
    if (bytes > this.remaining) return false;
    this.remaining -= bytes;
    return true;
  }

  give(bytes: number): void {
    this.remaining += bytes;
  }
}

/**
 * The i-th bit of a key inside its block, each from its own mix of the hash: double hashing
 * (b + i * c) in 512 bits makes keys share most bits, a hundred times the false "maybe"s.
 */
function probe(hash: number, i: number): number {
  let x = Math.imul(hash + Math.imul(i, 0x9e3779b9), 0x85ebca6b);
  x ^= x >>> 15;
  return (Math.imul(x, 0xc2b2ae35) >>> 16) & 511;
}

/** One blocked Bloom filter of a fixed capacity: about 3 false "maybe"s in a million when full. */
class Layer {
  readonly words: Uint32Array;
  private readonly blocks: number;
  count = 0;

  constructor(readonly capacity: number) {
    this.blocks = (capacity * BITS_PER_KEY) / (BLOCK_WORDS * 32);
    this.words = new Uint32Array(this.blocks * BLOCK_WORDS);
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  add(a: number, b: number): void {
    const base = (a % this.blocks) * BLOCK_WORDS;
    for (let i = 0; i < PROBES; i += 1) {
      const bit = probe(b, i);
      const word = base + (bit >>> 5);
      this.words[word] = (this.words[word] ?? 0) | (1 << (bit & 31));
    }
    this.count += 1;
  }

  has(a: number, b: number): boolean {
    const base = (a % this.blocks) * BLOCK_WORDS;
    for (let i = 0; i < PROBES; i += 1) {
      const bit = probe(b, i);
      if (((this.words[base + (bit >>> 5)] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * A set of keys that can only err towards "maybe": `mightHave` is false only for a key never added.
 * It grows in layers (a Bloom filter each, four times the last) while the budget allows, so a small
 * table costs little and a table of millions of keys still rarely answers "maybe" wrongly; when the
 * budget is spent the filter is full and answers "maybe" to everything.
 */
export class KeyFilter {
  private readonly layers: Layer[] = [];
  private saturated = false;

  constructor(private readonly budget: FilterBudget = new FilterBudget()) {}

  add(key: string): void {
    this.addHashed(...hashes([key], [0]));
  }

  mightHave(key: string): boolean {
    return this.mightHaveHashed(...hashes([key], [0]));
  }

  /** Adds the key made of `cells` at `indexes`; returns whether it might have been added before. */
  checkAndAdd(cells: readonly Cell[], indexes: readonly number[]): boolean {
    const [a, b] = hashes(cells, indexes);
    const maybe = this.mightHaveHashed(a, b);
    this.addHashed(a, b);
    return maybe;
  }

  private addHashed(a: number, b: number): void {
    if (this.saturated) return;
    let layer = this.layers.at(-1);
    if (layer === undefined || layer.full) {
      const capacity = layer === undefined ? FIRST_CAPACITY : layer.capacity * GROWTH;
      if (!this.budget.take((capacity * BITS_PER_KEY) / 8)) {
        this.release();
        this.saturated = true;
        return;
      }
      layer = new Layer(capacity);
      this.layers.push(layer);
    }
    layer.add(a, b);
  }

  private mightHaveHashed(a: number, b: number): boolean {
    if (this.saturated) return true;
    for (const layer of this.layers) if (layer.has(a, b)) return true;
    return false;
  }

  /** Gives the layers' memory back to the budget (the filter is forgotten). */
  release(): void {
    for (const layer of this.layers.splice(0)) this.budget.give(layer.words.byteLength);
  }
}

/**
 * Two 32-bit hashes (FNV-1a and a multiplicative one, each mixed) of the key made of `cells` at
 * `indexes` (their text, a NUL between two): the block, and the bits inside it. No key string is built.
 */
function hashes(cells: readonly Cell[], indexes: readonly number[]): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let part = 0; part < indexes.length; part += 1) {
    if (part > 0) {
      a = Math.imul(a, 0x01000193);
      b = Math.imul(b, 0x5bd1e995) ^ (b >>> 15);
    }
    const text = String(cells[indexes[part] ?? 0]);
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b + c, 0x5bd1e995) ^ (b >>> 15);
    }
  }
  return [mix(a), mix(b ^ a)];
}

/** MurmurHash3's finalizer: every input bit reaches every output bit. */
function mix(hash: number): number {
  let h = hash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The keyed tables this connection saw empty, with every key written to them since: a row whose key
 * the filter has never seen cannot be in the table, so it is inserted without an upsert. Forgotten
 * (`clear`) whenever rows may reach a table another way (a full-refresh swap, a rollback).
 */
export class FreshTables {
  private readonly filters = new Map<string, KeyFilter>();
  private readonly budget = new FilterBudget();

  /** A count of the table's rows was taken: an empty table starts a filter. */
  counted(table: string, count: number): void {
    if (count === 0 && !this.filters.has(table)) this.filters.set(table, new KeyFilter(this.budget));
  }

  /** Whether the table was seen empty (its rows get maybe-seen marks from `seen`). */
  tracks(table: string): boolean {
    return this.filters.has(table);
  }

  clear(): void {
    for (const filter of this.filters.values()) filter.release();
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
    return rows.map((row) => filter.checkAndAdd(row.cells, indexes));
  }
}
