import type { JsonObject } from '../../tap/json.js';
import type { Enterprise } from './enterprise.js';

/** `/v3/enterprise/organizations` items. */
export function organizations(enterprise: Enterprise): JsonObject[] {
  return enterprise.profiles.map((profile) => ({
    org_id: profile.orgId,
    name: profile.name,
    created_at: profile.createdAt,
    updated_at: profile.updatedAt,
    max_cycle_acu_limit: profile.maxCycleAcuLimit,
    max_session_acu_limit: profile.maxSessionAcuLimit,
  }));
}
