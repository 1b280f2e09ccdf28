import type { JsonObject } from '../../tap/json.js';
import type { IndexPage } from '../core/query.js';
import type { Hostile } from '../hostile/hostile.js';
import {
  DRAW,
  GROUP_SHARE,
  generateUser,
  groupMemberCount,
  groupMemberId,
  pickSkewed,
  serviceUserCount,
  serviceUserId,
  sessionDraw,
  skewedCdf,
  userId,
} from './gen-users.js';

/** Which generated member a base member is: (seed, index) of its own org, or another org's (a shared member). */
export type MemberSource = (index: number) => { seed: number; index: number };

export interface UserChange {
  name?: string | null;
  email?: string | null;
}

/**
 * The organization's members (`baseCount` generated from the seed, then added ones, listed in index
 * order) and its service users. Sessions are attributed to base members with a skew, so a few members
 * run most sessions. Renames and additions live in small maps.
 */
export class UserStore {
  private readonly cdf: Float64Array;
  private readonly serviceCdf: Float64Array;
  private readonly added: JsonObject[] = [];
  private readonly changes = new Map<number, UserChange>();
  /** Removed members: no longer listed; their consumption history stays billed to the org. */
  private readonly removed = new Set<number>();
  private readonly purged = new Set<number>();
  private byId: Map<string, number> | undefined;
  readonly serviceUserIds: readonly string[];
  readonly groupMemberIds: readonly string[];

  constructor(
    private readonly seed: number,
    private readonly orgId: string,
    readonly baseCount: number,
    private readonly hostile: Hostile,
    private readonly source: MemberSource = (index) => ({ seed, index }),
  ) {
    this.cdf = skewedCdf(baseCount);
    const services = serviceUserCount(baseCount);
    this.serviceCdf = skewedCdf(services);
    this.serviceUserIds = Array.from({ length: services }, (_, index) => serviceUserId(seed, index));
    const groups = groupMemberCount(baseCount);
    this.groupMemberIds = Array.from({ length: groups }, (_, index) => groupMemberId(seed, index));
  }

  get size(): number {
    return this.baseCount + this.added.length;
  }

  user(index: number): JsonObject {
    const base = index < this.baseCount ? this.baseUser(index) : this.added[index - this.baseCount];
    if (!base) throw new RangeError(`user ${index} does not exist`);
    return this.hostile.user(index, { ...base, ...this.changes.get(index) });
  }

  private baseUser(index: number): JsonObject {
    const { seed, index: at } = this.source(index);
    return generateUser(seed, this.orgId, at);
  }

  private baseUserId(index: number): string {
    const { seed, index: at } = this.source(index);
    return userId(seed, at);
  }

  userIdAt(index: number): string {
    return index < this.baseCount ? this.baseUserId(index) : String(this.user(index).user_id);
  }

  /** The member index of a user id, or null. */
  indexOf(id: string): number | null {
    if (!this.byId) {
      this.byId = new Map();
      for (let index = 0; index < this.baseCount; index++) this.byId.set(this.baseUserId(index), index);
      for (const [n, user] of this.added.entries()) this.byId.set(String(user.user_id), this.baseCount + n);
    }
    return this.byId.get(id) ?? null;
  }

  serviceIndexOf(id: string): number | null {
    const index = this.serviceUserIds.indexOf(id);
    return index < 0 ? null : index;
  }

  /** Members with index > `after`, optionally only those whose email is exactly `email`. */
  page(after: number | null, first: number, email: string | null): IndexPage {
    const indexes: number[] = [];
    for (let index = after === null ? 0 : after + 1; index < this.size; index++) {
      if (!this.isListed(index, email)) continue;
      if (indexes.length === first) return { indexes, hasNext: true };
      indexes.push(index);
    }
    return { indexes, hasNext: false };
  }

  total(email: string | null): number {
    if (email === null) return this.size - this.removed.size;
    let count = 0;
    for (let index = 0; index < this.size; index++) if (this.isListed(index, email)) count++;
    return count;
  }

  isListed(index: number, email: string | null = null): boolean {
    return !this.removed.has(index) && (email === null || this.user(index).email === email);
  }

  remove(index: number, history: 'kept' | 'gone' = 'kept'): void {
    this.removed.add(index);
    if (history === 'gone') this.purged.add(index);
  }

  /** A member whose account was deleted: its own consumption endpoint answers 404. */
  isPurged(index: number): boolean {
    return this.purged.has(index);
  }

  groupIndexOf(id: string): number | null {
    const index = this.groupMemberIds.indexOf(id);
    return index < 0 ? null : index;
  }

  /** Who ran session `index`: a base member (skewed) or an IdP-group member; null for an org without members. */
  sessionUserId(index: number): string | null {
    if (this.baseCount === 0) return null;
    const groups = this.groupMemberIds.length;
    if (groups > 0 && sessionDraw(this.seed, index, DRAW.group) < GROUP_SHARE) {
      return (
        this.groupMemberIds[Math.floor(sessionDraw(this.seed, index, DRAW.groupMember) * groups)] ?? null
      );
    }
    return this.userIdAt(pickSkewed(this.cdf, sessionDraw(this.seed, index, DRAW.member)));
  }

  sessionServiceUser(index: number): number | null {
    if (this.serviceCdf.length === 0) return null;
    return pickSkewed(this.serviceCdf, sessionDraw(this.seed, index, DRAW.service));
  }

  add(user: UserChange): string {
    const index = this.size;
    const base = generateUser(this.seed, this.orgId, index);
    const id = `email|added${String(this.added.length + 1).padStart(4, '0')}${String(base.user_id).slice(-8)}`;
    this.added.push({ ...base, user_id: id, ...user });
    this.byId?.set(id, index);
    return id;
  }

  update(index: number, change: UserChange): void {
    this.changes.set(index, { ...this.changes.get(index), ...change });
  }
}
