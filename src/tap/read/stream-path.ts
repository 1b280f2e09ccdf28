import { SchemaError } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { BindRule, StreamDef, WindowPart } from '../streams/index.js';

/** A parent field's value as a path value: the rule's prefix added only when missing, never twice. */
export function boundValue(rule: BindRule, value: string): string {
  if (typeof rule === 'string' || value.startsWith(rule.prefix)) return value;
  return `${rule.prefix}${value}`;
}

const fieldOf = (rule: BindRule) => (typeof rule === 'string' ? rule : rule.field);

/** `template` with `{org_id}` and the parent's bound fields substituted, each URL-encoded. */
function fillPath(def: StreamDef, template: string, orgId: string, parent?: JsonObject): string {
  const values: Record<string, string> = { org_id: orgId };
  for (const [variable, rule] of Object.entries(def.parent?.bind ?? {})) {
    const field = fieldOf(rule);
    const value = parent?.[field];
    if (typeof value !== 'string' || value === '') {
      throw new SchemaError(
        `${def.name}: a ${def.parent?.stream ?? 'parent'} record has no "${field}" (needed for {${variable}})`,
      );
    }
    values[variable] = boundValue(rule, value);
  }
  const partVariables = def.paging?.kind === 'window' ? Object.keys(def.paging.parts?.[0]?.vars ?? {}) : [];
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    // Filled per request by the window reader (fillPart).
    if (partVariables.includes(name)) return match;
    const value = values[name];
    if (value === undefined) throw new SchemaError(`${def.name}: path variable {${name}} has no value`);
    return encodeURIComponent(value);
  });
}

/**
 * A stream's request path: `{org_id}` and the parent's bound fields substituted, URL-encoded.
 * A parent record lacking a bound field is an error, never a skipped parent.
 */
export function resolvePath(def: StreamDef, orgId: string, parent?: JsonObject): string {
  return fillPath(def, def.path, orgId, parent);
}

/** The parent's list, filtered to find this parent (to tell a removed parent from a failing child). */
export function parentListing(
  def: StreamDef,
  orgId: string,
  parent: JsonObject,
): { path: string; query: Record<string, string> } | null {
  const listing = def.parent?.parentListing;
  if (listing === undefined) return null;
  const query: Record<string, string> = {};
  for (const [param, field] of Object.entries(listing.filter)) {
    const value = parent[field];
    if (typeof value !== 'string' || value === '') return null;
    query[param] = value;
  }
  return { path: fillPath(def, listing.path, orgId, parent), query };
}

/** A resolved path with one window part's variables filled in (URL-encoded). */
export function fillPart(path: string, part: WindowPart | null): string {
  if (part === null) return path;
  return path.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = part.vars[name];
    return value === undefined ? match : encodeURIComponent(value);
  });
}

/** The path of the parent record itself (to tell a deleted parent from a failing child), if declared. */
export function parentItemPath(def: StreamDef, orgId: string, parent: JsonObject): string | null {
  const template = def.parent?.parentPath;
  return template === undefined ? null : fillPath(def, template, orgId, parent);
}

/** The parent fields copied into each child record (session_id into every message). */
export function withParentFields(def: StreamDef, child: JsonObject, parent: JsonObject): JsonObject {
  // One copy of the child (its shape cloned), the parent's fields set on it: the same keys, order
  // and values as spreading both, without a second object per record.
  const record: JsonObject = { ...child };
  for (const field of def.parent?.copy ?? []) {
    const value = parent[field];
    if (value === undefined) {
      throw new SchemaError(
        `${def.name}: a ${def.parent?.stream ?? 'parent'} record has no "${field}" to copy`,
      );
    }
    record[field] = value;
  }
  return record;
}

/** A record's primary key as one string (the key of a state's `recent` map). */
export function recordKey(def: StreamDef, record: JsonObject): string {
  return def.primaryKey.map((field) => String(record[field])).join('|');
}

/** The query parameters a child takes from its parent (`?org_id=` of an enterprise session's messages). */
export function parentQuery(def: StreamDef, parent: JsonObject): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [param, field] of Object.entries(def.parent?.query ?? {})) {
    const value = parent[field];
    if (typeof value !== 'string' || value === '') {
      throw new SchemaError(
        `${def.name}: a ${def.parent?.stream ?? 'parent'} record has no "${field}" (needed for ?${param}=)`,
      );
    }
    query[param] = value;
  }
  return query;
}
