import type { RereadScope } from '../tap/events.js';
import type { JsonObject, JsonValue } from '../tap/json.js';
import type { ColumnKind, Dialect } from './column-types.js';
import { fitsColumn } from './rows.js';
import { quoteIdent, type TableLayout } from './table-layout.js';

/** A SQL literal of `value` for a column of `kind`, or null when the column cannot hold it. */
function literal(dialect: Dialect, kind: ColumnKind, value: JsonValue | undefined): string | null {
  if (value === undefined || value === null || kind === 'json' || !fitsColumn(kind, value)) return null;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'boolean')
    return dialect === 'duckdb' ? String(value).toUpperCase() : value ? '1' : '0';
  return kind === 'timestamp' && dialect === 'duckdb' ? `to_timestamp(${value})` : String(value);
}

/**
 * The DELETE removing a stream's rows inside `scope` whose key none of `kept` (the records the
 * re-read sent for that scope) holds: a day the API no longer lists goes, every other row stays
 * (and is upserted by its record). Null when the table cannot express the scope (a column missing,
 * a value its column cannot hold): nothing is deleted then.
 */
export function scopeDeleteSql(
  dialect: Dialect,
  table: string,
  layout: TableLayout,
  scope: RereadScope,
  kept: readonly JsonObject[],
): string | null {
  const kindOf = (name: string) => layout.columns.find((column) => column.name === name)?.kind;
  const { column, from, to } = scope.window;
  const windowKind = kindOf(column);
  const [low, high] = windowKind
    ? [literal(dialect, windowKind, from), literal(dialect, windowKind, to)]
    : [];
  if (low === null || high === null || low === undefined || high === undefined) return null;
  const where = [`${quoteIdent(column)} >= ${low}`, `${quoteIdent(column)} < ${high}`];
  for (const [name, value] of Object.entries(scope.match)) {
    const kind = kindOf(name);
    const text = kind ? literal(dialect, kind, value) : null;
    if (text === null) return null;
    where.push(`${quoteIdent(name)} = ${text}`);
  }
  if (layout.keys.length === 0) return null;
  for (const record of kept) {
    const same = layout.keys.map((key) => {
      const kind = kindOf(key);
      const text = kind ? literal(dialect, kind, record[key]) : null;
      return text === null ? null : `${quoteIdent(key)} = ${text}`;
    });
    // A record whose key its column cannot hold was never stored: it keeps nothing.
    if (same.every((part) => part !== null)) where.push(`NOT (${same.join(' AND ')})`);
  }
  return `DELETE FROM ${quoteIdent(table)} WHERE ${where.join(' AND ')}`;
}
