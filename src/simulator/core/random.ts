/**
 * Deterministic randomness keyed on (seed, tag, index...): every record is a pure function of its
 * key, so nothing has to be stored and any record can be regenerated on demand.
 */

/** murmur3's 32-bit finalizer: a cheap, well-mixing bijection. */
function fmix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of up to four integers (indexes up to 2^32). */
export function hash(seed: number, tag: number, a = 0, b = 0): number {
  let h = fmix((seed ^ 0x9e3779b9) >>> 0);
  h = fmix((h + Math.imul(tag + 1, 0x9e3779b1)) >>> 0);
  h = fmix((h + Math.imul(a + 1, 0x85ebca77)) >>> 0);
  return fmix((h + Math.imul(b + 1, 0xc2b2ae3d)) >>> 0);
}

/** A float in [0, 1) from a hash. */
export function unit(value: number): number {
  return value / 4294967296;
}

export function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** mulberry32: a tiny sequential generator for the many fields of one record. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** `count` distinct-ish items (may repeat when count > items.length). */
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const count = this.int(min, max);
    const picked: T[] = [];
    for (let i = 0; i < count; i++) {
      const item = this.pick(items);
      if (!picked.includes(item)) picked.push(item);
    }
    return picked;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += hex8(Math.floor(this.next() * 4294967296));
    return out.slice(0, length);
  }
}

/** Hash tags: one per independent quantity, so changing one never shifts another. */
export const TAG = {
  sessionFields: 1,
  sessionCreated: 2,
  sessionDuration: 3,
  messageCount: 4,
  messageSource: 5,
  messageBody: 6,
  insight: 7,
  playbook: 8,
  secret: 9,
  note: 10,
  idMask: 11,
  idBody: 12,
  token: 13,
  faults: 14,
  parent: 15,
  orgTime: 16,
  hostile: 17,
  user: 18,
  sessionUser: 20,
  consumption: 21,
  schedule: 22,
  repository: 23,
  attachment: 24,
  search: 25,
  idpUser: 26,
  org: 27,
  audit: 28,
} as const;
