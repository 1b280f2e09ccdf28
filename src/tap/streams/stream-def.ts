/** A stream, declared as data. One generic reader serves every stream. */
export interface StreamDef {
  readonly name: string;
  /** Path template; `{org_id}` and the parent's bind names are substituted. */
  readonly path: string;
  readonly primaryKey: readonly string[];
  /** Field that orders changes: the incremental cursor. */
  readonly cursorField: string;
  /** Permission a service user's role needs to read this stream (named in 403 errors). */
  readonly permission: string;
  /** Query filters the endpoint supports server-side (`created_after`, `updated_after`, ...). */
  readonly serverFilters: 'created_updated' | 'none';
  /** Fan-out: read this stream once per record of the parent stream. */
  readonly parent?: {
    readonly stream: string;
    /** path variable -> parent field */
    readonly bind: Readonly<Record<string, string>>;
    /** parent fields copied into each child record */
    readonly copy: readonly string[];
  };
  /** Selected by default in sync and Singer; false for streams that hold personal data. */
  readonly selectedByDefault: boolean;
}
