import type { JsonObject, JsonValue } from '../tap/json.js';
import type { ColumnKind } from './column-types.js';
import type { TableLayout } from './table-layout.js';

/** A value ready for a column: JSON columns hold JSON text, timestamps epoch seconds. */
export type Cell = string | number | boolean | null;

export interface ShapedRow {
  readonly cells: readonly Cell[];
  /** JSON text of unknown fields and of values that do not fit their column; null when none. */
  readonly extra: string | null;
  readonly extractedAt: number;
}

/** DuckDB's TIMESTAMPTZ holds microseconds in 64 bits: about ±9.2e12 seconds. */
const MAX_EPOCH_SECONDS = 9e12;

const FITS: Readonly<Record<ColumnKind, (value: JsonValue) => boolean>> = {
  string: (value) => typeof value === 'string',
  integer: (value) => Number.isSafeInteger(value),
  number: (value) => typeof value === 'number',
  boolean: (value) => typeof value === 'boolean',
  timestamp: (value) => Number.isSafeInteger(value) && Math.abs(value as number) <= MAX_EPOCH_SECONDS,
  json: () => true,
};

/** Whether a column of `kind` can hold `value` (a value that cannot is kept in `_extra`). */
export function fitsColumn(kind: ColumnKind, value: JsonValue): boolean {
  return FITS[kind](value);
}

function cell(kind: ColumnKind, value: JsonValue): Cell {
  if (kind === 'json') return JSON.stringify(value);
  return value as Cell;
}

const KNOWN = new WeakMap<TableLayout, ReadonlySet<string>>();

/** The layout's column names, made once per layout (not once per row). */
function knownColumns(layout: TableLayout): ReadonlySet<string> {
  let known = KNOWN.get(layout);
  if (!known) {
    known = new Set(layout.columns.map((column) => column.name));
    KNOWN.set(layout, known);
  }
  return known;
}

/**
 * One row as column cells. A value that does not fit its column is stored as NULL there and kept,
 * unchanged, in `_extra` under its field name (dropped when the table has no `_extra`).
 */
export function shapeRow(layout: TableLayout, row: JsonObject, extractedAt: number): ShapedRow {
  const cells: Cell[] = [];
  const extra: JsonObject = {};
  let hasExtra = false;
  const known = knownColumns(layout);
  for (const { name, kind } of layout.columns) {
    const value = row[name];
    if (value === undefined || value === null) {
      cells.push(null);
    } else if (FITS[kind](value)) {
      cells.push(cell(kind, value));
    } else {
      cells.push(null);
      extra[name] = value;
      hasExtra = true;
    }
  }
  for (const name in row) {
    if (known.has(name)) continue;
    const value = row[name] as JsonValue;
    extra[name] = value;
    hasExtra = true;
  }
  return { cells, extra: layout.hasExtra && hasExtra ? JSON.stringify(extra) : null, extractedAt };
}

export function keyIndexes(layout: TableLayout): number[] {
  return layout.keys.map((key) => layout.columns.findIndex((column) => column.name === key));
}

export interface ShapedBatch {
  rows: ShapedRow[];
  /** Rows whose key its column cannot hold (a table created with another key type): never stored. */
  rejected: { record: JsonObject; reason: string }[];
}

/**
 * Shapes a batch; keyed rows are deduplicated, the last row of a key wins. A row whose key value its
 * column cannot hold is set aside as rejected (the callers check keys against the schema first; this
 * catches a table whose key column has another type than the schema says).
 */
export function shapeBatch(
  layout: TableLayout,
  rows: readonly JsonObject[],
  extractedAt: readonly number[] | undefined,
  now: number,
): ShapedBatch {
  const shaped = rows.map((row, index) => shapeRow(layout, row, extractedAt?.[index] ?? now));
  const indexes = keyIndexes(layout);
  if (indexes.length === 0) return { rows: shaped, rejected: [] };
  const byKey = new Map<string, ShapedRow>();
  const rejected: ShapedBatch['rejected'] = [];
  const [only] = indexes;
  // One key column (most streams): the cell itself, its type kept apart ("1" is not 1).
  const mapKey =
    indexes.length === 1 && only !== undefined
      ? (key: Cell[]) => (typeof key[0] === 'string' ? `s${key[0]}` : `v${String(key[0])}`)
      : (key: Cell[]) => JSON.stringify(key);
  shaped.forEach((row, index) => {
    const key = indexes.map((column) => row.cells[column] ?? null);
    const missing = key.indexOf(null);
    if (missing >= 0) {
      const name = layout.keys[missing] ?? '';
      const reason = `no valid primary key: ${name} does not fit the table's ${name} column`;
      rejected.push({ record: rows[index] ?? {}, reason });
    } else byKey.set(mapKey(key), row);
  });
  return { rows: [...byKey.values()], rejected };
}
