import type { JsonObject } from '../../tap/json.js';
import { hash, TAG, unit } from '../core/random.js';
import type { LogicalClock } from '../core/timeline.js';
import { WINDOW_END, WINDOW_SPAN } from '../core/timeline.js';
import type { SessionStore } from './session-store.js';
import type { UserStore } from './user-store.js';

/** Billing days start at midnight PST, 08:00:00 UTC; `date` is that boundary. */
export const BILLING_DAY_START = 8 * 3600;
export const DAY = 86_400;
export const PRODUCTS = ['devin', 'cascade', 'terminal', 'review'] as const;
export type Product = (typeof PRODUCTS)[number];

/** Who ACUs are billed to: a member (index), a service user (index), or nobody the API lists. */
export type Owner =
  | { kind: 'user'; index: number }
  | { kind: 'service'; index: number }
  /** An IdP-group member: runs sessions, not listed by `/members/users`. */
  | { kind: 'group'; index: number }
  | { kind: 'other' }
  /** One session's own usage: its acus_consumed, on the day it was created (not part of the org sum). */
  | { kind: 'session'; index: number };

/** Centi-ACUs per product, in PRODUCTS order (integers, so every sum is exact). */
export type Cents = [number, number, number, number];

export function billingDay(epochSeconds: number): number {
  return Math.floor((epochSeconds - BILLING_DAY_START) / DAY);
}

export function dayStart(day: number): number {
  return day * DAY + BILLING_DAY_START;
}

/** The start of the monthly billing cycle holding `now` (the 1st of a month, 08:00 UTC). */
export function billingCycleStart(now: number): number {
  const date = new Date(now * 1000);
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1, 8) / 1000;
  return start <= now ? start : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1, 8) / 1000;
}

const key = (owner: Owner): string => (owner.kind === 'other' ? 'o' : `${owner.kind}${owner.index}`);

function sessionOwner(users: UserStore, session: JsonObject): Owner {
  const { user_id: userId, service_user_id: serviceId } = session;
  const member = typeof userId === 'string' ? users.indexOf(userId) : null;
  if (member !== null) return { kind: 'user', index: member };
  const group = typeof userId === 'string' ? users.groupIndexOf(userId) : null;
  if (group !== null) return { kind: 'group', index: group };
  const service = typeof serviceId === 'string' ? users.serviceIndexOf(serviceId) : null;
  return service === null ? { kind: 'other' } : { kind: 'service', index: service };
}

/**
 * Daily ACUs per owner, derived from the seed and the sessions: a session's `acus_consumed` is the
 * devin product of its owner on the billing day it was created (deleted sessions stay billed); Cascade,
 * terminal and review usage is drawn per (member, day), busier for heavier members; the rest of the org
 * (IdP-group members, org-level review) is `other`. The org's day is the sum of every owner's day.
 */
export class Consumption {
  /** Session ACUs by owner and billing day, for sessions 0..counted-1. */
  private readonly sessionCents = new Map<string, Map<number, number>>();
  private counted = 0;
  private orgCache: { stamp: string; byDay: Map<number, Cents> } | undefined;
  private changes = 0;
  private readonly adjustments = new Map<string, Map<number, Cents>>();
  readonly firstDay = billingDay(WINDOW_END - WINDOW_SPAN);
  /** Other products scale with how busy the org is (base sessions a day), so Devin stays a real share. */
  private readonly activity: number;

  constructor(
    private readonly seed: number,
    private readonly sessions: SessionStore,
    private readonly users: UserStore,
    private readonly clock: LogicalClock,
  ) {
    this.activity = Math.min(1, Math.max(0.1, sessions.options.baseCount / (WINDOW_SPAN / DAY) / 2));
  }

  now(): number {
    return this.clock.now();
  }

  lastDay(): number {
    return billingDay(this.clock.now());
  }

  /** The owner's ACUs on `day`, in centi-ACUs per product. */
  cents(owner: Owner, day: number): Cents {
    if (owner.kind === 'session') {
      const { sessions } = this;
      const created = billingDay(sessions.createdAt(owner.index));
      return [
        created === day ? Math.round(Number(sessions.session(owner.index).acus_consumed) * 100) : 0,
        0,
        0,
        0,
      ];
    }
    const cents: Cents = [this.sessionDevin(owner, day), 0, 0, 0];
    if (owner.kind === 'user' && owner.index < this.users.baseCount) {
      const busy = this.activity * Math.min(0.7, 1.5 / (owner.index + 2));
      cents[1] = this.draw(owner.index, day, 1, busy, 10, 1500);
      cents[2] = this.draw(owner.index, day, 2, busy / 3, 5, 300);
      cents[3] = this.draw(owner.index, day, 3, busy / 4, 20, 600);
    } else if (owner.kind === 'other') {
      cents[1] = this.draw(-1, day, 1, 0.3 * this.activity, 10, 900);
      cents[3] = this.draw(-1, day, 3, 0.6 * this.activity, 50, 2000);
    }
    const extra = this.adjustments.get(key(owner))?.get(day);
    if (extra) for (let n = 0; n < 4; n++) cents[n] = (cents[n] ?? 0) + (extra[n] ?? 0);
    return cents;
  }

  /** Every owner: members (added ones included), service users, IdP-group members, then `other`. */
  *owners(): Generator<Owner> {
    for (let index = 0; index < this.users.size; index++) yield { kind: 'user', index };
    for (let index = 0; index < this.users.serviceUserIds.length; index++) yield { kind: 'service', index };
    for (let index = 0; index < this.users.groupMemberIds.length; index++) yield { kind: 'group', index };
    yield { kind: 'other' };
  }

  sumCents(owners: Iterable<Owner>, day: number): Cents {
    const total: Cents = [0, 0, 0, 0];
    for (const owner of owners) {
      const cents = this.cents(owner, day);
      for (let n = 0; n < 4; n++) total[n] = (total[n] ?? 0) + (cents[n] ?? 0);
    }
    return total;
  }

  /** Cached per day until the sessions, the members or an adjustment change. */
  orgCents(day: number): Cents {
    const stamp = `${this.sessions.version}|${this.users.size}|${this.changes}`;
    if (this.orgCache?.stamp !== stamp) this.orgCache = { stamp, byDay: new Map() };
    const cached = this.orgCache.byDay.get(day);
    if (cached) return [...cached];
    const total = this.sumCents(this.owners(), day);
    this.orgCache.byDay.set(day, total);
    return [...total];
  }

  /** Adds ACUs (2 decimals) to an owner's product on a billing day that has data. */
  add(owner: Owner, day: number, product: Product, acus: number): void {
    if (day < this.firstDay || day > this.lastDay())
      throw new RangeError('date is outside the billing days the org has');
    const cents = Math.round(acus * 100);
    if (!(cents > 0)) throw new RangeError('acus must be a number >= 0.01');
    const byDay = this.adjustments.get(key(owner)) ?? new Map<number, Cents>();
    const entry: Cents = byDay.get(day) ?? [0, 0, 0, 0];
    const n = PRODUCTS.indexOf(product);
    if (n < 0) throw new RangeError(`product must be one of ${PRODUCTS.join(', ')}`);
    entry[n] = (entry[n] ?? 0) + cents;
    byDay.set(day, entry);
    this.adjustments.set(key(owner), byDay);
    this.changes++;
  }

  /** One day as the API serves it; a zero product is sometimes absent (the API omits some). */
  entry(day: number, cents: Cents): JsonObject {
    const byProduct: JsonObject = {};
    PRODUCTS.forEach((product, n) => {
      const value = cents[n] ?? 0;
      if (value > 0 || unit(hash(this.seed, TAG.consumption + 5, day, n)) < 0.5)
        byProduct[product] = value / 100;
    });
    const total = cents.reduce((sum, value) => sum + value, 0);
    return { date: dayStart(day), acus: total / 100, acus_by_product: byProduct };
  }

  private draw(
    member: number,
    day: number,
    product: number,
    chance: number,
    min: number,
    max: number,
  ): number {
    if (unit(hash(this.seed, TAG.consumption + product, member, day)) >= chance) return 0;
    return min + Math.floor(unit(hash(this.seed, TAG.consumption + 10 + product, member, day)) * (max - min));
  }

  private sessionDevin(owner: Owner, day: number): number {
    return this.sessionTotals().get(key(owner))?.get(day) ?? 0;
  }

  /**
   * Session ACUs by owner and billing day. A session's owner, day and ACUs never change (changes touch
   * status and messages; deleted sessions stay billed), so only sessions added since are counted.
   */
  private sessionTotals(): Map<string, Map<number, number>> {
    const { sessions, users, sessionCents } = this;
    for (; this.counted < sessions.size; this.counted++) {
      const index = this.counted;
      const session = sessions.session(index);
      const owner = key(sessionOwner(users, session));
      const byDay = sessionCents.get(owner) ?? new Map<number, number>();
      const day = billingDay(sessions.createdAt(index));
      byDay.set(day, (byDay.get(day) ?? 0) + Math.round(Number(session.acus_consumed) * 100));
      sessionCents.set(owner, byDay);
    }
    return sessionCents;
  }
}
