import { writtenColumns } from '../sql.js';
import { EXTRACTED_AT_COLUMN, quoteIdent, type TableLayout } from '../table-layout.js';
import { CONVERT, convertedSql, SEEN_COLUMN } from './batch.js';

/** The staged rows' keys, converted to the table's types, equal to the table row's `t`. */
function sameKeySql(staging: string, layout: TableLayout): string {
  const kinds = new Map(layout.columns.map((column) => [column.name, column.kind]));
  return layout.keys
    .map((key) => {
      const staged = CONVERT[kinds.get(key) ?? 'string'](`${staging}.${quoteIdent(key)}`);
      return `t.${quoteIdent(key)} = ${staged}`;
    })
    .join(' AND ');
}

/** The content columns of two rows `t` and `s` are equal, the extraction time aside. */
function sameContentSql(layout: TableLayout): string {
  const keys = new Set(layout.keys);
  const content = writtenColumns(layout).filter(
    (column) => !keys.has(column) && column !== EXTRACTED_AT_COLUMN,
  );
  const same = content.map(
    (column) => `t.${quoteIdent(column)} IS NOT DISTINCT FROM s.${quoteIdent(column)}`,
  );
  return same.length > 0 ? same.join(' AND ') : 'true';
}

function joinedSql(table: string, staging: string, layout: TableLayout, onlySeen: boolean): string {
  const using = layout.keys.map(quoteIdent).join(', ');
  const where = onlySeen ? ` WHERE ${SEEN_COLUMN}` : '';
  return `(${convertedSql(staging, layout, where)}) s JOIN ${quoteIdent(table)} t USING (${using})`;
}

/**
 * Of the staged rows (`onlySeen`: those marked maybe-seen), how many have a key already in `table`
 * and how many of those have equal content, the extraction time aside: one join, counted before
 * the write, so `updated` means the content changed.
 */
export function matchingRowsSql(
  table: string,
  staging: string,
  layout: TableLayout,
  onlySeen = false,
): string {
  const sameCount = `count(*) FILTER (WHERE ${sameContentSql(layout)})`;
  return `SELECT count(*)::BIGINT, ${sameCount}::BIGINT FROM ${joinedSql(table, staging, layout, onlySeen)}`;
}

/**
 * The rows of `table` a staged row's key matches, by rowid, with whether the content is the same:
 * the one scan of the table's keys a batch needs; the counts and the delete then read this.
 */
export function matchTableSql(
  match: string,
  table: string,
  staging: string,
  layout: TableLayout,
  onlySeen: boolean,
): string {
  const joined = joinedSql(table, staging, layout, onlySeen);
  return `CREATE OR REPLACE TEMP TABLE ${quoteIdent(match)} AS SELECT t.rowid AS row_id, (${sameContentSql(layout)}) AS same FROM ${joined}`;
}

export function matchCountsSql(match: string): string {
  return `SELECT count(*)::BIGINT, count(*) FILTER (WHERE same)::BIGINT FROM temp.main.${quoteIdent(match)}`;
}

/**
 * Deletes every staged row but the last of its key. The reader marks a batch's repeated keys as rows
 * arrive, so this deletes nothing unless a batch came unmarked; DuckDB's writes (an ON CONFLICT upsert
 * fails on a repeated key, a delete-then-insert would keep both) must not depend on it.
 */
export function dedupStagedSql(staging: string, layout: TableLayout): string {
  const source = `temp.main.${quoteIdent(staging)}`;
  const keys = layout.keys.map(quoteIdent).join(', ');
  return `DELETE FROM ${source} WHERE rowid NOT IN (SELECT max(rowid) FROM ${source} GROUP BY ${keys})`;
}

/** One set-based upsert of the staged batch through the key index (tables of earlier releases). */
export function upsertSql(table: string, staging: string, layout: TableLayout, where = ''): string {
  const columns = writtenColumns(layout);
  const insert = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) ${convertedSql(staging, layout, where)}`;
  if (layout.keys.length === 0) return insert;
  const set = columns
    .filter((column) => !layout.keys.includes(column))
    .map((column) => `${quoteIdent(column)} = excluded.${quoteIdent(column)}`);
  return `${insert} ON CONFLICT (${layout.keys.map(quoteIdent).join(', ')}) DO UPDATE SET ${set.join(', ')}`;
}

/** Deletes the table's rows whose key a staged row (`onlySeen`: a maybe-seen one) holds. */
export function deleteStagedKeysSql(
  table: string,
  staging: string,
  layout: TableLayout,
  onlySeen: boolean,
): string {
  const source = `temp.main.${quoteIdent(staging)}`;
  const seen = onlySeen ? ` AND ${source}.${SEEN_COLUMN}` : '';
  return `DELETE FROM ${quoteIdent(table)} AS t USING ${source} WHERE ${sameKeySql(source, layout)}${seen}`;
}

/** How the table keeps its keys unique, and what this connection knows of the batch's keys. */
export interface KeyedWrite {
  /** The table enforces its key with an index (ON CONFLICT); else delete-then-insert. */
  readonly indexed: boolean;
  /** The staged rows carry maybe-seen marks (a table this connection saw empty). */
  readonly tracked: boolean;
  /** Some staged row may hold a key already in the table (always, when not tracked). */
  readonly anySeen: boolean;
  /** A match table (matchTableSql) of this table and batch, when one was made. */
  readonly matched?: string | null;
}

/**
 * The statements that write a staged batch of a keyed stream. The key index of a table with a
 * PRIMARY KEY (an earlier release's) upserts; otherwise the rows holding a staged key are deleted
 * and the batch inserted: one scan of the table's keys, skipped for a batch whose keys this
 * connection never wrote to a table it saw empty (none maybe-seen).
 */
export function writeSql(table: string, staging: string, layout: TableLayout, write: KeyedWrite): string[] {
  const { indexed, tracked, anySeen, matched } = write;
  const columns = writtenColumns(layout).map(quoteIdent).join(', ');
  const insertWhere = (where: string) =>
    `INSERT INTO ${quoteIdent(table)} (${columns}) ${convertedSql(staging, layout, where)}`;
  if (!indexed) {
    const insert = insertWhere('');
    // A rowid delete reads no column: the scan for the keys was the match table's.
    if (matched)
      return [
        `DELETE FROM ${quoteIdent(table)} WHERE rowid IN (SELECT row_id FROM temp.main.${quoteIdent(matched)})`,
        insert,
      ];
    return anySeen ? [deleteStagedKeysSql(table, staging, layout, tracked), insert] : [insert];
  }
  if (!tracked) return [upsertSql(table, staging, layout)];
  const fresh = insertWhere(` WHERE NOT ${SEEN_COLUMN}`);
  return anySeen ? [fresh, upsertSql(table, staging, layout, ` WHERE ${SEEN_COLUMN}`)] : [fresh];
}
