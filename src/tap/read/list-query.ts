import type { Query } from '../http/http.js';
import type { JsonObject } from '../json.js';
import type { ReadPlan } from '../state/cursor-plan.js';
import type { StreamDef } from '../streams/index.js';

/** Server-side filters of a plan, for endpoints that take them. */
export function listQuery(def: StreamDef, plan: ReadPlan): Query {
  if (def.serverFilters === undefined) return {};
  return {
    created_after: plan.createdAfter ?? undefined,
    updated_after: plan.updatedAfter ?? undefined,
    updated_before: plan.updatedBefore ?? undefined,
  };
}

/**
 * The same filters, client-side: a read shared by several plans asks for their union, and each
 * stream keeps only its own part. Half-open, as the API's: [after, before).
 */
export function admits(def: StreamDef, plan: ReadPlan, record: JsonObject): boolean {
  if (def.serverFilters === undefined || def.cursorField === null) return true;
  const created = record[def.serverFilters.createdField];
  const updated = record[def.cursorField];
  if (plan.createdAfter !== null && typeof created === 'number' && created < plan.createdAfter) return false;
  if (plan.updatedAfter !== null && typeof updated === 'number' && updated < plan.updatedAfter) return false;
  if (plan.updatedBefore !== null && typeof updated === 'number' && updated >= plan.updatedBefore)
    return false;
  return true;
}
