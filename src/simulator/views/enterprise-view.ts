import type { JsonObject, JsonValue } from '../../tap/json.js';
import {
  acuLimits,
  billingCycles,
  enterpriseDaily,
  orgDaily,
  serviceUserDaily,
  userDaily,
} from '../enterprise/billing.js';
import type { Enterprise } from '../enterprise/enterprise.js';
import {
  enterpriseIdpGroups,
  enterpriseIdpUsers,
  enterpriseRoles,
  enterpriseServiceUsers,
  enterpriseUsers,
} from '../enterprise/people.js';
import { organizations } from '../enterprise/view-data.js';
import type { ConsumptionWindow } from '../organization/consumption-reply.js';
import type { OrgData } from '../organization/data.js';
import { Metrics, type Period } from '../organization/metrics.js';
import type { MetricKind } from './org-scope-view.js';

/** What the `/v3/enterprise/...` endpoints answer, computed the way they compute it: ground truth for tests. */
export class EnterpriseView {
  constructor(private readonly enterprise: Enterprise) {}

  private org(orgId: string): OrgData {
    const org = this.enterprise.orgs[this.enterprise.position(orgId)];
    if (!org) throw new RangeError(`unknown organization id: ${orgId}`);
    return org;
  }

  private metrics(orgIds?: readonly string[]): Metrics {
    return new Metrics(
      (orgIds ?? this.enterprise.orgs.map((org) => org.orgId)).map((id) => this.org(id).sessions),
    );
  }

  organizations(): JsonObject[] {
    return organizations(this.enterprise);
  }

  /** `/members/users`: each member once, one role assignment per organization. */
  users(): JsonObject[] {
    return enterpriseUsers(this.enterprise).map((row) => structuredClone(row));
  }

  idpUsers(): JsonObject[] {
    return enterpriseIdpUsers(this.enterprise);
  }

  serviceUsers(): JsonObject[] {
    return enterpriseServiceUsers(this.enterprise);
  }

  idpGroups(): JsonObject[] {
    return enterpriseIdpGroups(this.enterprise);
  }

  roles(): JsonObject[] {
    return enterpriseRoles();
  }

  /** The enterprise's billed days (Cascade and Terminal included). */
  consumptionDaily(window: ConsumptionWindow = {}): JsonObject {
    return enterpriseDaily(this.enterprise, window);
  }

  /** One organization's days at enterprise scope: without Cascade and Terminal. */
  orgConsumption(orgId: string, window: ConsumptionWindow = {}): JsonObject {
    return orgDaily(this.enterprise, this.org(orgId), window);
  }

  /** A user's days summed across its organizations (IdP-group members too). */
  userConsumption(userId: string, window: ConsumptionWindow = {}): JsonObject {
    const reply = userDaily(this.enterprise, userId, window);
    if (!reply) throw new RangeError(`unknown user id: ${userId}`);
    return reply;
  }

  serviceUserConsumption(serviceUserId: string, window: ConsumptionWindow = {}): JsonObject {
    const reply = serviceUserDaily(this.enterprise, serviceUserId, window);
    if (!reply) throw new RangeError(`unknown service user id: ${serviceUserId}`);
    return reply;
  }

  billingCycles(): JsonObject[] {
    return billingCycles(this.enterprise);
  }

  acuLimits(): JsonObject[] {
    return acuLimits(
      this.enterprise,
      this.users().map((user) => String(user.user_id)),
    );
  }

  /** Every audit-log entry, oldest first (what `order=asc` pages through without a time range). */
  auditLogs(): JsonObject[] {
    return [...this.enterprise.audit.all()];
  }

  /** `/metrics/sessions-by-category`'s `categories` for [after, before), over `orgIds` (default all). */
  sessionsByCategory(after: number, before: number, orgIds?: readonly string[]): JsonObject[] {
    return this.metrics(orgIds).categories(after, before);
  }

  activeUsers(period: Period, after: number, before: number, orgIds?: readonly string[]): JsonValue {
    return this.metrics(orgIds).series(period, after, before);
  }

  metric(kind: MetricKind, after: number, before: number, orgIds?: readonly string[]): JsonObject {
    return this.metrics(orgIds)[kind](after, before);
  }
}
