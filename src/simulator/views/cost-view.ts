import type { JsonObject } from '../../tap/json.js';
import { byUser } from '../endpoints/cost-api.js';
import {
  billingCycleStart,
  billingDay,
  dayStart,
  type Owner,
  type Product,
} from '../organization/consumption.js';
import { type ConsumptionWindow, consumptionReply } from '../organization/consumption-reply.js';
import type { createOrgData } from '../organization/data.js';
import type { UserChange } from '../organization/user-store.js';

type OrgData = ReturnType<typeof createOrgData>;

/** The simulator's members and consumption: ground truth for tests, and the changes they make. */
/** More ACUs on one billing day: for `userId`, else `serviceUserId`, else nobody listed. */
export interface ConsumptionChange {
  userId?: string;
  serviceUserId?: string;
  /** Any time inside the billing day (epoch seconds); default the last billing day. */
  date?: number;
  product: Product;
  acus: number;
}

/** Records a change in the enterprise audit log (the action, what it touched). */
export type AuditNote = (action: string, data: JsonObject) => void;

export class CostView {
  constructor(
    protected readonly data: OrgData,
    protected readonly note: AuditNote = () => {},
  ) {}

  *users(): Generator<JsonObject> {
    const { users } = this.data;
    for (let index = 0; index < users.size; index++) if (users.isListed(index)) yield users.user(index);
  }

  serviceUserIds(): readonly string[] {
    return this.data.users.serviceUserIds;
  }

  consumptionDaily(window: ConsumptionWindow = {}): JsonObject {
    return consumptionReply(this.data.consumption, null, window);
  }

  /** A listed member's days, or an IdP-group member's (see groupMemberIds). */
  userConsumption(userId: string, window: ConsumptionWindow = {}): JsonObject {
    return consumptionReply(this.data.consumption, this.anyUser(userId), window);
  }

  serviceUserConsumption(serviceUserId: string, window: ConsumptionWindow = {}): JsonObject {
    return consumptionReply(this.data.consumption, this.service(serviceUserId), window);
  }

  /** Members through IdP groups, who run sessions but are not listed by `/members/users`. */
  groupMemberIds(): readonly string[] {
    return this.data.users.groupMemberIds;
  }

  /** Everything no listed member or service user accounts for: IdP-group members and org-level usage. */
  unattributedConsumption(window: ConsumptionWindow = {}): JsonObject {
    const groups = this.data.users.groupMemberIds.map((_, index): Owner => ({ kind: 'group', index }));
    return consumptionReply(this.data.consumption, [{ kind: 'other' }, ...groups], window);
  }

  billing(): { cycleStart: number; lastDay: number } {
    const { consumption } = this.data;
    return { cycleStart: billingCycleStart(consumption.now()), lastDay: dayStart(consumption.lastDay()) };
  }

  addUser(user: UserChange = {}): string {
    const id = this.data.users.add(user);
    this.note('member.added', { user_id: id });
    return id;
  }

  updateUser(userId: string, change: UserChange): void {
    const member = this.member(userId);
    this.data.users.update(member.index, change);
    this.note('member.updated', { user_id: userId });
  }

  /**
   * Remove a member from the list; its consumption history stays (and still counts in the org's
   * days), and its own endpoint serves it unless `history` is 'gone' (the account was deleted: 404).
   */
  removeUser(userId: string, history: 'kept' | 'gone' = 'kept'): void {
    this.data.users.remove(this.member(userId).index, history);
    this.note('member.removed', { user_id: userId });
  }

  addConsumption(change: ConsumptionChange): void {
    const { consumption } = this.data;
    const owner: Owner =
      change.userId !== undefined
        ? this.anyUser(change.userId)
        : change.serviceUserId !== undefined
          ? this.service(change.serviceUserId)
          : { kind: 'other' };
    const day = change.date === undefined ? consumption.lastDay() : billingDay(change.date);
    consumption.add(owner, day, change.product, change.acus);
  }

  private member(userId: string): { kind: 'user'; index: number } {
    const index = this.data.users.indexOf(userId);
    if (index === null) throw new RangeError(`unknown user id: ${userId}`);
    return { kind: 'user', index };
  }

  private anyUser(userId: string): Owner {
    const owner = byUser(this.data, userId);
    if (!owner) throw new RangeError(`unknown user id: ${userId}`);
    return owner;
  }

  private service(serviceUserId: string): Owner {
    const index = this.data.users.serviceIndexOf(serviceUserId);
    if (index === null) throw new RangeError(`unknown service user id: ${serviceUserId}`);
    return { kind: 'service', index };
  }
}
