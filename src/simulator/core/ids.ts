import { hash, hex8, TAG } from './random.js';

/**
 * Ids look random (`devin-` + 32 hex) but embed their index (XOR a per-seed mask) in the last 8 hex
 * digits, so an id is resolved to its record in O(1) without any lookup table.
 */
export class IdCodec {
  private readonly mask: number;

  constructor(
    private readonly seed: number,
    private readonly kind: number,
    readonly prefix: string,
  ) {
    this.mask = hash(seed, TAG.idMask, kind);
  }

  id(index: number): string {
    const body = hex8(hash(this.seed, TAG.idBody, this.kind, index));
    const more = hex8(hash(this.seed, TAG.idBody, this.kind + 100, index));
    const tail = hex8(hash(this.seed, TAG.idBody, this.kind + 200, index));
    return `${this.prefix}${body}${more}${tail}${hex8((index ^ this.mask) >>> 0)}`;
  }

  /** The index an id names, or null when it is not one of ours (wrong prefix, shape or checksum). */
  index(id: string): number | null {
    if (!id.startsWith(this.prefix) || id.length !== this.prefix.length + 32) return null;
    const tail = id.slice(-8);
    if (!/^[0-9a-f]{8}$/.test(tail)) return null;
    const index = (Number.parseInt(tail, 16) ^ this.mask) >>> 0;
    return this.id(index) === id ? index : null;
  }
}

export const ID_KIND = { session: 1, playbook: 2, secret: 3, note: 4 } as const;
