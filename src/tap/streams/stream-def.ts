import type { JsonObject } from '../json.js';

/** A stream, declared as data. One generic reader serves every stream. */
export interface StreamDef {
  readonly name: string;
  /** Path template; `{org_id}` and the parent's bind names are substituted (URL-encoded). */
  readonly path: string;
  readonly primaryKey: readonly string[];
  /** Field that orders changes: the incremental cursor; null when records carry none (read in full). */
  readonly cursorField: string | null;
  /** Read when a record's cursor field is null or absent (secrets have a null updated_at). */
  readonly cursorFallback?: string;
  /** Permission a service user's role needs to read this stream (named in 403 errors). */
  readonly permission: string;
  /**
   * Server-side filters: `created_after` (on `createdField`), `updated_after` and `updated_before`
   * (on the cursor field). Absent: the endpoint takes none and the tap filters what it emits.
   */
  readonly serverFilters?: { readonly createdField: string };
  /** How pages come: the v3 list envelope (default), or one object per time window. */
  readonly paging?: WindowPaging;
  /** Fan-out: read this stream once per record of the parent stream. */
  readonly parent?: ParentLink;
  /** Object fields also spread into number columns (`acus_by_product.devin` -> `acus_devin`). */
  readonly spread?: readonly SpreadRule[];
  /** Selected by default in sync and Singer; false for streams that hold personal data. */
  readonly selectedByDefault: boolean;
  /** The JSON Schema, when it is not catalog/<name>.json (a definition made in a test). */
  readonly schema?: JsonObject;
}

/**
 * Not a list: each request names a time window and the answer holds the records under `records`.
 * The first read goes back `consumption_history_days` (or to start_date); later reads start
 * `trailingDays` before the bookmark, since recent days may still change.
 */
export interface WindowPaging {
  readonly kind: 'window';
  readonly records: string;
  readonly afterParam: string;
  readonly beforeParam: string;
  readonly maxDaysPerRequest: number;
  readonly trailingDays: number;
}

/** A path value taken from a parent field, with a prefix added when the value lacks it. */
export type BindRule = string | { readonly field: string; readonly prefix: string };

export interface ParentLink {
  readonly stream: string;
  /** path variable -> parent field */
  readonly bind: Readonly<Record<string, BindRule>>;
  /** parent fields copied into each child record */
  readonly copy: readonly string[];
  /**
   * `changed`: an incremental run reads the children of new or changed parents only (the parent's
   * cursor is the child's); `every`: every parent's children on every run, with the child's own rule.
   */
  readonly reread: 'changed' | 'every';
  /** One parent's path: a child 404 whose parent is gone here too (deleted mid-read) is skipped. */
  readonly parentPath?: string;
}

export interface SpreadRule {
  readonly field: string;
  /** sub-key -> column; an absent or null sub-key reads `absent`, any other value is passed on as sent */
  readonly columns: Readonly<Record<string, string>>;
  readonly absent: number;
}
