import type { Query } from '../http/http.js';
import type { JsonObject } from '../json.js';
import type { ReadPlan } from '../state/cursor-plan.js';
import type { StreamDef } from '../streams/index.js';

/** Server-side filters of a plan, for endpoints that take them (sessions, sessions_insights). */
export function listQuery(def: StreamDef, plan: ReadPlan): Query {
  if (def.serverFilters !== 'created_updated') return {};
  return {
    created_after: plan.createdAfter ?? undefined,
    updated_after: plan.updatedAfter ?? undefined,
    updated_before: plan.updatedBefore ?? undefined,
  };
}

/**
 * The same filters, client-side: a read shared by two plans (sessions and session_messages) asks
 * for the union, and each stream keeps only its own part. Half-open, as the API's: [after, before).
 */
export function admits(def: StreamDef, plan: ReadPlan, record: JsonObject): boolean {
  if (def.serverFilters !== 'created_updated') return true;
  const created = record.created_at;
  const updated = record.updated_at;
  if (plan.createdAfter !== null && typeof created === 'number' && created < plan.createdAfter) return false;
  if (plan.updatedAfter !== null && typeof updated === 'number' && updated < plan.updatedAfter) return false;
  if (plan.updatedBefore !== null && typeof updated === 'number' && updated >= plan.updatedBefore)
    return false;
  return true;
}
