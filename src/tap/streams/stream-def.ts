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
  /** Query parameters sent with every request of this stream (repositories' load_indexing_status). */
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  /** How pages come: the v3 cursor envelope (absent), `limit`/`offset`, a bare array, or time windows. */
  readonly paging?: Paging;
  /** Fan-out: read this stream once per record of the parent stream. */
  readonly parent?: ParentLink;
  /** Fields the API sends as ISO 8601 strings: emitted as epoch seconds like every other timestamp. */
  readonly isoTimestamps?: readonly string[];
  /** Object fields also spread into number columns (`acus_by_product.devin` -> `acus_devin`). */
  readonly spread?: readonly SpreadRule[];
  /** Selected by default in sync and Singer; false for streams that hold personal data. */
  readonly selectedByDefault: boolean;
  /** The JSON Schema, when it is not catalog/<name>.json (a definition made in a test). */
  readonly schema?: JsonObject;
  /** Properties added to the catalog schema (an enterprise read adds the `org_id` it read for). */
  readonly addedColumns?: Readonly<Record<string, JsonObject>>;
  /**
   * A key made from fields that may be absent (acu_limits: scope, org_id, user_id): `field` is their
   * values joined by `:`, an absent one as '', so no record is ever rejected for want of a key.
   */
  readonly derivedKey?: { readonly field: string; readonly from: readonly string[] };
  /**
   * Enterprise lists holding every organization's records: with `org_ids` configured, only records of
   * those organizations (or of none: enterprise-wide ones) are read; `param` asks the server to filter.
   */
  readonly orgFilter?: { readonly param?: string };
}

export type Paging = OffsetPaging | ArrayPaging | WindowPaging;

/** A list paged by `limit`/`offset` in the query; the answer is still the v3 envelope. */
export interface OffsetPaging {
  readonly kind: 'offset';
  readonly limitParam: string;
  readonly offsetParam: string;
  /** Largest page the endpoint serves: page_size is capped at it. */
  readonly maxLimit: number;
}

/** One request answers a bare JSON array of every record: no envelope, no paging. */
export interface ArrayPaging {
  readonly kind: 'array';
}

/** What one window's answer holds: an array under `field`, a bare array, or one aggregate object. */
export type WindowAnswer =
  | { readonly kind: 'list'; readonly field: string }
  | { readonly kind: 'array' }
  /** The whole answer is one record for the window, with `dateField` set to the window's start. */
  | { readonly kind: 'aggregate'; readonly dateField: string }
  /** A v3 list envelope, paged with `first`/`after` inside each window (audit logs). */
  | { readonly kind: 'pages' };

/** UTC calendar periods; weeks run Monday to Sunday. */
export type PeriodUnit = 'day' | 'week' | 'month';

/**
 * Not a list: each request names a time window. The first read goes back `history.days` days of the
 * config (or to start_date: always, or only when later); later reads start `trailingDays` before the
 * bookmark, since recent days may still change.
 */
export interface WindowPaging {
  readonly kind: 'window';
  readonly answer: WindowAnswer;
  readonly afterParam: string;
  readonly beforeParam: string;
  readonly maxDaysPerRequest: number;
  /** Windows start and end on these period boundaries (absent: anywhere, the last one ends now). */
  readonly align?: PeriodUnit;
  readonly trailingDays: number;
  /** Later reads start `lookback_window_seconds` before the bookmark instead of `trailingDays`. */
  readonly trailingLookback?: true;
  readonly history: {
    readonly days: 'consumptionHistoryDays' | 'metricsHistoryDays' | 'auditHistoryDays';
    readonly startDate: 'always' | 'when_later';
  };
  /** One stream from several endpoints: each part fills path variables and adds fields to its records. */
  readonly parts?: readonly WindowPart[];
}

export interface WindowPart {
  readonly vars: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>>;
  /** Overrides the paging's `align` for this part. */
  readonly align?: PeriodUnit;
}

/** A path value taken from a parent field, with a prefix added when the value lacks it. */
export type BindRule = string | { readonly field: string; readonly prefix: string };

export interface ParentLink {
  readonly stream: string;
  /** path variable -> parent field */
  readonly bind: Readonly<Record<string, BindRule>>;
  /** parent fields copied into each child record */
  readonly copy: readonly string[];
  /** query parameter -> parent field, sent with every request of the child (`?org_id=`). */
  readonly query?: Readonly<Record<string, string>>;
  /**
   * `per_parent`: a failure reading one parent's children (a 403 in one organization) fails that
   * parent's part only; the other parents' children are read and kept, then the stream reports the
   * parents that failed. Absent: any failure fails the stream.
   */
  readonly failures?: 'per_parent';
  /**
   * `changed`: an incremental run reads the children of new or changed parents only (the parent's
   * cursor is the child's); `every`: every parent's children on every run, with the child's own rule.
   */
  readonly reread: 'changed' | 'every';
  /** One parent's path: a child 404 whose parent is gone here too (deleted mid-read) is skipped. */
  readonly parentPath?: string;
  /**
   * Where no path returns one parent: its list filtered by the parent's own fields (query param ->
   * parent field). A child 404 whose parent that list no longer holds (removed mid-read) is skipped.
   */
  readonly parentListing?: { readonly path: string; readonly filter: Readonly<Record<string, string>> };
  /**
   * The children outlive their parent's listing (a departed member's billing is still served and
   * never changes in hindsight): a full refresh replaces only the rows of the parents it read.
   * Otherwise a parent no longer listed is gone, and so are its children.
   */
  readonly outlivesParent?: boolean;
}

export interface SpreadRule {
  readonly field: string;
  /** sub-key -> column; an absent or null sub-key reads `absent`, any other value is passed on as sent */
  readonly columns: Readonly<Record<string, string>>;
  readonly absent: number;
}
