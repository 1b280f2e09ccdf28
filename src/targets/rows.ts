import type { JsonObject, JsonValue } from '../tap/json.js';
import type { ColumnKind } from './column-types.js';
import { decodeRows, forEachEncoded, isEncoded, type WriteRows } from './row-batch.js';
import type { TableLayout } from './table-layout.js';
import { wellFormed } from './well-formed.js';

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
  for (const index of keyIndexes(layout)) {
    const key = cells[index];
    if (typeof key === 'string') cells[index] = wellFormed(key);
  }
  return { cells, extra: layout.hasExtra && hasExtra ? JSON.stringify(extra) : null, extractedAt };
}

const KEY_INDEXES = new WeakMap<TableLayout, number[]>();

/** The positions of the layout's key columns among its columns (made once per layout). */
export function keyIndexes(layout: TableLayout): readonly number[] {
  let indexes = KEY_INDEXES.get(layout);
  if (!indexes) {
    indexes = layout.keys.map((key) => layout.columns.findIndex((column) => column.name === key));
    KEY_INDEXES.set(layout, indexes);
  }
  return indexes;
}

export interface ShapedBatch {
  rows: ShapedRow[];
  /** Rows whose key its column cannot hold (a table created with another key type): never stored. */
  rejected: { record: JsonObject; reason: string }[];
}

/** The reason a shaped row cannot be stored under its key, or null when its key cells all hold. */
function keyProblem(layout: TableLayout, indexes: readonly number[], row: ShapedRow): string | null {
  for (const [position, column] of indexes.entries()) {
    if ((row.cells[column] ?? null) !== null) continue;
    const name = layout.keys[position] ?? '';
    return `no valid primary key: ${name} does not fit the table's ${name} column`;
  }
  return null;
}

/**
 * Shapes a batch; keyed rows are deduplicated, the last row of a key wins. A row whose key value its
 * column cannot hold is set aside as rejected (the callers check keys against the schema first; this
 * catches a table whose key column has another type than the schema says).
 */
export function shapeBatch(
  layout: TableLayout,
  batch: WriteRows,
  extractedAtGiven: readonly number[] | undefined,
  now: number,
): ShapedBatch {
  const decoded = decodeRows(batch);
  const { rows } = decoded;
  const extractedAt = decoded.extractedAt ?? extractedAtGiven;
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
    const problem = keyProblem(layout, indexes, row);
    if (problem !== null) rejected.push({ record: rows[index] ?? {}, reason: problem });
    else byKey.set(mapKey(indexes.map((column) => row.cells[column] ?? null)), row);
  });
  return { rows: [...byKey.values()], rejected };
}

/** Rows shaped per chunk: a batch never lives shaped (or as objects) all at once. */
const CHUNK_ROWS = 512;

/**
 * Shapes a batch as `shapeBatch` does (the same rows, the same rejected), handing them over in
 * chunks of a few hundred rows. An encoded batch is parsed one row at a time and its superseded
 * rows are skipped (their key is still checked: a key the column cannot hold is rejected).
 */
export function shapeChunks(
  layout: TableLayout,
  batch: WriteRows,
  extractedAt: readonly number[] | undefined,
  now: number,
  onChunk: (chunk: ShapedBatch) => void,
): void {
  if (!isEncoded(batch)) {
    const shaped = shapeBatch(layout, batch, extractedAt, now);
    for (let start = 0; start < shaped.rows.length || start === 0; start += CHUNK_ROWS) {
      const rejected = start === 0 ? shaped.rejected : [];
      onChunk({ rows: shaped.rows.slice(start, start + CHUNK_ROWS), rejected });
    }
    return;
  }
  const indexes = keyIndexes(layout);
  let chunk: ShapedBatch = { rows: [], rejected: [] };
  forEachEncoded(batch, (record, index, superseded) => {
    const row = shapeRow(layout, record, batch.extractedAt[index] ?? now);
    const problem = indexes.length === 0 ? null : keyProblem(layout, indexes, row);
    if (problem !== null) chunk.rejected.push({ record, reason: problem });
    else if (!superseded) chunk.rows.push(row);
    if (chunk.rows.length >= CHUNK_ROWS) {
      onChunk(chunk);
      chunk = { rows: [], rejected: [] };
    }
  });
  if (chunk.rows.length > 0 || chunk.rejected.length > 0) onChunk(chunk);
}
