import { TargetError } from '../tap/errors.js';
import { isJsonObject } from '../tap/json.js';
import { type ColumnKind, columnKind, type Dialect, existingColumnKind } from './column-types.js';
import { META_PREFIX, REFRESH_PREFIX, type StreamSchema } from './target.js';

export const EXTRA_COLUMN = '_extra';
export const EXTRACTED_AT_COLUMN = '_extracted_at';

export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
}

/** How one stream's rows map onto its table. */
export interface TableLayout {
  readonly stream: string;
  /** Schema properties (and columns older schemas added), in table order. */
  readonly columns: readonly Column[];
  readonly keys: readonly string[];
  /** Unknown fields are kept in `_extra`; false when the schema forbids additional properties. */
  readonly hasExtra: boolean;
}

export interface ExistingColumn {
  readonly name: string;
  readonly sqlType: string;
}

/** Double-quoted SQL identifier: any stream or property name is safe inside it. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function checkStreamName(stream: string): void {
  const lower = stream.toLowerCase();
  const reserved =
    lower.startsWith(META_PREFIX) || lower.startsWith(REFRESH_PREFIX) || lower.startsWith('sqlite_');
  if (stream === '' || stream.includes('\0') || reserved) {
    throw new TargetError(`stream name ${JSON.stringify(stream)} cannot be used as a table name`);
  }
}

/** Columns in table order: existing ones first (never dropped or retyped), then new properties. */
export function tableLayout(
  dialect: Dialect,
  stream: StreamSchema,
  existing: readonly ExistingColumn[],
): TableLayout {
  checkStreamName(stream.name);
  const properties = isJsonObject(stream.schema.properties) ? stream.schema.properties : {};
  const wanted = new Map<string, ColumnKind>();
  for (const [name, property] of Object.entries(properties)) wanted.set(name, columnKind(name, property));
  const columns: Column[] = [];
  const taken = new Set([EXTRA_COLUMN, EXTRACTED_AT_COLUMN]);
  for (const { name, sqlType } of existing) {
    if (taken.has(name.toLowerCase())) continue;
    taken.add(name.toLowerCase());
    columns.push({ name, kind: existingColumnKind(dialect, sqlType, wanted.get(name)) });
  }
  for (const [name, kind] of wanted) {
    // SQL identifiers are case-insensitive: a second spelling of a name stays in _extra.
    if (name === '' || name.includes('\0') || taken.has(name.toLowerCase())) continue;
    taken.add(name.toLowerCase());
    columns.push({ name, kind });
  }
  for (const key of stream.keys) {
    if (!columns.some((column) => column.name === key)) {
      throw new TargetError(
        `stream ${stream.name}: key property ${JSON.stringify(key)} is not in its schema`,
      );
    }
  }
  return {
    stream: stream.name,
    columns,
    keys: stream.keys,
    hasExtra: stream.schema.additionalProperties !== false,
  };
}

export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}

export function checkKeys(stream: string, wanted: readonly string[], actual: readonly string[]): void {
  if (!sameKeys(wanted, actual)) {
    throw new TargetError(
      `stream ${stream}: key properties [${wanted.join(', ')}] differ from the table's primary key [${actual.join(', ')}]`,
    );
  }
}
