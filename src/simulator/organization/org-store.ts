import type { JsonObject } from '../../tap/json.js';
import type { IdCodec } from '../core/ids.js';
import type { IndexPage } from '../core/query.js';
import { type LogicalClock, orgObjectTimes } from '../core/timeline.js';
import type { OrgTimes } from './gen-org.js';

export type OrgGenerator = (id: string, index: number, times: OrgTimes) => JsonObject;

/**
 * Playbooks, secrets or knowledge notes: `count` objects generated from the seed, served oldest-first
 * (ascending index); updates and deletions live in small maps.
 */
export class OrgStore {
  private readonly updated = new Map<number, number>();
  private readonly deleted = new Set<number>();

  constructor(
    private readonly seed: number,
    private readonly kind: number,
    readonly count: number,
    readonly ids: IdCodec,
    private readonly generate: OrgGenerator,
    private readonly clock: LogicalClock,
  ) {}

  indexOf(id: string): number | null {
    const index = this.ids.index(id);
    return index !== null && index < this.count && !this.deleted.has(index) ? index : null;
  }

  item(index: number): JsonObject {
    const times = orgObjectTimes(this.seed, this.kind, index, this.count);
    const updatedAt = this.updated.get(index);
    return this.generate(
      this.ids.id(index),
      index,
      updatedAt === undefined ? times : { ...times, updatedAt },
    );
  }

  /** Live objects with index > `after` (the keyset cursor: the index of the last object served). */
  page(after: number | null, first: number): IndexPage {
    const indexes: number[] = [];
    for (let index = after === null ? 0 : after + 1; index < this.count; index++) {
      if (this.deleted.has(index)) continue;
      if (indexes.length === first) return { indexes, hasNext: true };
      indexes.push(index);
    }
    return { indexes, hasNext: false };
  }

  total(): number {
    return this.count - this.deleted.size;
  }

  *all(): Iterable<JsonObject> {
    for (let index = 0; index < this.count; index++) if (!this.deleted.has(index)) yield this.item(index);
  }

  update(index: number): void {
    this.updated.set(index, this.clock.tick());
  }

  delete(index: number): void {
    this.deleted.add(index);
  }
}
