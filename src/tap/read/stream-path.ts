import { SchemaError } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { StreamDef } from '../streams/index.js';

/** Session ids in list responses normally carry `devin-`; add it only when missing, never twice. */
export function devinId(sessionId: string): string {
  return sessionId.startsWith('devin-') ? sessionId : `devin-${sessionId}`;
}

/** Per path variable, how a parent's value becomes a path segment (before URL-encoding). */
const PATH_VALUE_RULES: Readonly<Record<string, (value: string) => string>> = { devin_id: devinId };

/**
 * A stream's request path: `{org_id}` and the parent's bound fields substituted, URL-encoded.
 * A parent record lacking a bound field is an error, never a skipped parent.
 */
export function resolvePath(def: StreamDef, orgId: string, parent?: JsonObject): string {
  const values: Record<string, string> = { org_id: orgId };
  for (const [variable, field] of Object.entries(def.parent?.bind ?? {})) {
    const value = parent?.[field];
    if (typeof value !== 'string' || value === '') {
      throw new SchemaError(
        `${def.name}: a ${def.parent?.stream ?? 'parent'} record has no "${field}" (needed for {${variable}})`,
      );
    }
    values[variable] = (PATH_VALUE_RULES[variable] ?? ((text: string) => text))(value);
  }
  return def.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new SchemaError(`${def.name}: path variable {${name}} has no value`);
    return encodeURIComponent(value);
  });
}

/** The parent fields copied into each child record (session_id into every message). */
export function withParentFields(def: StreamDef, child: JsonObject, parent: JsonObject): JsonObject {
  const copied: JsonObject = {};
  for (const field of def.parent?.copy ?? []) {
    const value = parent[field];
    if (value === undefined) {
      throw new SchemaError(
        `${def.name}: a ${def.parent?.stream ?? 'parent'} record has no "${field}" to copy`,
      );
    }
    copied[field] = value;
  }
  return { ...child, ...copied };
}

/** A record's primary key as one string (the key of a state's `recent` map). */
export function recordKey(def: StreamDef, record: JsonObject): string {
  return def.primaryKey.map((field) => String(record[field])).join('|');
}
