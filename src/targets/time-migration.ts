import { isJsonObject } from '../tap/json.js';
import { columnKind } from './column-types.js';
import { createTableSql, writtenColumns } from './sql.js';
import {
  type Column,
  EXTRA_COLUMN,
  type ExistingColumn,
  quoteIdent,
  type TableLayout,
  tableLayout,
} from './table-layout.js';
import { META_PREFIX, type MigratedColumns, REJECTED_TABLE, type StreamSchema } from './target.js';

/**
 * Earlier versions stored a time column not named `*_at` (`consumption_daily.date`, `metrics_*.date`,
 * `metrics_active_users.start_time`...) as BIGINT epoch seconds in DuckDB; the catalog now marks it
 * a timestamp, stored as TIMESTAMPTZ like every other time. Such a table is rebuilt in place:
 * DuckDB cannot retype a primary key column.
 */
export interface TimeMigration {
  readonly table: string;
  /** The columns retyped from BIGINT to TIMESTAMPTZ. */
  readonly columns: readonly string[];
  /** Statements to run inside one transaction (with every other table's). */
  readonly statements: readonly string[];
}

/** The existing BIGINT columns of a DuckDB table that its schema marks as timestamps. */
export function epochColumns(stream: StreamSchema, existing: readonly ExistingColumn[]): string[] {
  const properties = isJsonObject(stream.schema.properties) ? stream.schema.properties : {};
  return existing
    .filter(({ name, sqlType }) => sqlType.toUpperCase() === 'BIGINT' && name in properties)
    .filter(({ name }) => columnKind(name, properties[name]) === 'timestamp')
    .map(({ name }) => name);
}

/** The statements that rebuild `stream`'s table with `columns` as TIMESTAMPTZ, rows unchanged. */
export function timeMigration(
  stream: StreamSchema,
  existing: readonly ExistingColumn[],
  columns: readonly string[],
): TimeMigration {
  const names = new Set(existing.map((column) => column.name));
  const full = tableLayout('duckdb', stream, existing);
  const layout: TableLayout = {
    ...full,
    columns: full.columns
      .filter((column) => names.has(column.name))
      .map((column): Column => (columns.includes(column.name) ? { ...column, kind: 'timestamp' } : column)),
    hasExtra: names.has(EXTRA_COLUMN),
  };
  const copy = `${META_PREFIX}migrate_${stream.name}`;
  const [live, temporary] = [quoteIdent(stream.name), quoteIdent(copy)];
  const keys = columns.filter((name) => stream.keys.includes(name));
  const others = columns.filter((name) => !stream.keys.includes(name));
  const keyFits = keys.length === 0 ? 'true' : keys.map(fits).join(' AND ');
  const value = (name: string): string => {
    const column = quoteIdent(name);
    if (keys.includes(name)) return `to_timestamp(${column})`;
    if (others.includes(name)) return `CASE WHEN ${fits(name)} THEN to_timestamp(${column}) END`;
    return name === EXTRA_COLUMN && others.length > 0 ? extraWith(others) : column;
  };
  const list = writtenColumns(layout);
  return {
    table: stream.name,
    columns,
    statements: [
      // A key no TIMESTAMPTZ holds (2^53 - 1 seconds): the row goes where such rows go today.
      `INSERT INTO ${REJECTED_TABLE} (stream, reason, record, rejected_at) SELECT ${sqlText(stream.name)}, ` +
        `${sqlText(`no valid primary key: ${keys.join(', ')} holds no instant a time column can hold (kept by the migration to TIMESTAMPTZ)`)}, ` +
        `to_json(t), now() FROM ${live} AS t WHERE NOT (${keyFits})`,
      `DROP TABLE IF EXISTS ${temporary}`,
      createTableSql('duckdb', copy, layout),
      `INSERT INTO ${temporary} (${list.map(quoteIdent).join(', ')}) SELECT ${list.map(value).join(', ')} FROM ${live} WHERE ${keyFits}`,
      `DROP TABLE ${live}`,
      `ALTER TABLE ${temporary} RENAME TO ${live}`,
    ],
  };
}

/** DuckDB's TIMESTAMPTZ holds about ±9.2e12 seconds (see rows.ts): beyond, no instant. */
function fits(name: string): string {
  return `(${quoteIdent(name)} IS NULL OR abs(${quoteIdent(name)}) <= 9000000000000)`;
}

/** `_extra` with each value of `columns` no TIMESTAMPTZ holds (that column is then NULL), as writes keep them. */
function extraWith(columns: readonly string[]): string {
  const misfits = columns.map((name) => `NOT ${fits(name)}`).join(' OR ');
  const pairs = columns
    .map((name) => `${sqlText(name)}, CASE WHEN ${fits(name)} THEN NULL ELSE ${quoteIdent(name)} END`)
    .join(', ');
  const extra = quoteIdent(EXTRA_COLUMN);
  return `CASE WHEN ${misfits} THEN json_merge_patch(coalesce(${extra}, '{}'), json_object(${pairs})) ELSE ${extra} END`;
}

function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** What a migration did, one line per kind of change ([] when nothing was migrated). */
export function migrationMessages(migrated: readonly MigratedColumns[]): string[] {
  const columns = migrated.flatMap((m) => m.columns.map((column) => `${m.table}.${column}`));
  const rebuilt = migrated.filter((m) => m.keyIndexDropped).map((m) => m.table);
  const lines: string[] = [];
  if (columns.length > 0)
    lines.push(
      `migrated ${columns.length} time column(s) written by an earlier devin-tap from epoch seconds ` +
        `to TIMESTAMPTZ, in one transaction: ${columns.join(', ')}`,
    );
  if (rebuilt.length > 0)
    lines.push(
      `rebuilt ${rebuilt.length} table(s) an earlier devin-tap wrote without their primary-key index ` +
        `(it grew in memory with the table; keys are now kept unique by devin-tap), rows unchanged: ${rebuilt.join(', ')}`,
    );
  return lines;
}
