/**
 * The SQL that differs between DuckDB and SQLite, in one place. Everything else in the views is shared:
 * both engines have json_each, json_type, `->` and `->>`, and aggregate FILTER clauses.
 */
export type { Dialect } from '../targets/column-types.js';

import type { Dialect } from '../targets/column-types.js';
import { plausibleEpoch, plausibleTimestamp } from './plausible.js';

export type SqlType = 'text' | 'int' | 'real' | 'bool' | 'json';

export interface DialectSql {
  /** Statements that (re)create a view; `temporary` views live outside the file (read-only safe). */
  createView(name: string, select: string, temporary: boolean): string[];
  /** The engine's name for a column type. */
  type(type: SqlType): string;
  /** A typed NULL, so a view keeps its column types when a source table is missing. */
  nullOf(type: SqlType): string;
  /** UTC calendar date of a timestamp column (DuckDB DATE; SQLite TEXT 'YYYY-MM-DD'); NULL outside 2000-2099. */
  day(column: string): string;
  /** Monday of the ISO week of a timestamp column, UTC (DuckDB DATE; SQLite TEXT 'YYYY-MM-DD'). */
  weekStart(column: string): string;
  /** ISO week label 'YYYY-Www'. */
  isoWeek(column: string): string;
  /** `column >= <epoch seconds>` for a timestamp column. */
  atOrAfter(column: string, epochSeconds: number): string;
  /** Median of a numeric column over `from` (SQLite has no median aggregate). */
  median(column: string, from: string): string;
}

const DUCKDB_TYPES: Record<SqlType, string> = {
  text: 'VARCHAR',
  int: 'BIGINT',
  real: 'DOUBLE',
  bool: 'BOOLEAN',
  json: 'JSON',
};
const SQLITE_TYPES: Record<SqlType, string> = {
  text: 'TEXT',
  int: 'INTEGER',
  real: 'REAL',
  bool: 'INTEGER',
  json: 'TEXT',
};

/** A period of an instant, NULL for an implausible one (see plausible.ts). */
const inPeriod = (plausible: string, period: string): string => `CASE WHEN ${plausible} THEN ${period} END`;

// DuckDB timestamps are TIMESTAMPTZ: AT TIME ZONE 'UTC' pins weeks and days to UTC whatever the
// session's TimeZone setting is.
const duckdb: DialectSql = {
  createView: (name, select, temporary) => [
    `CREATE OR REPLACE ${temporary ? 'TEMP ' : ''}VIEW ${name} AS\n${select}`,
  ],
  type: (type) => DUCKDB_TYPES[type],
  nullOf: (type) => `CAST(NULL AS ${DUCKDB_TYPES[type]})`,
  day: (column) => inPeriod(plausibleTimestamp(column), `CAST(${column} AT TIME ZONE 'UTC' AS DATE)`),
  weekStart: (column) =>
    inPeriod(plausibleTimestamp(column), `CAST(date_trunc('week', ${column} AT TIME ZONE 'UTC') AS DATE)`),
  isoWeek: (column) =>
    inPeriod(plausibleTimestamp(column), `strftime(${column} AT TIME ZONE 'UTC', '%G-W%V')`),
  atOrAfter: (column, epochSeconds) => `${column} >= to_timestamp(${integer(epochSeconds)})`,
  median: (column, from) => `(SELECT median(${column}) FROM ${from})`,
};

// SQLite timestamps are INTEGER epoch seconds. 'weekday 0' moves to the next Sunday (or stays on one),
// '-6 days' then lands on that week's Monday. No %G/%V (SQLite 3.46+): other clients of the file
// (Debian 12's sqlite3, Python's sqlite3 module: 3.40) would read NULL. An ISO week belongs to the
// year of its Thursday and is numbered by that Thursday's day of the year: (day + 6) / 7.
const sqliteThursday = (column: string): string => `date(${column}, 'unixepoch', 'weekday 0', '-3 days')`;
const sqlite: DialectSql = {
  createView: (name, select, temporary) => [
    `DROP VIEW IF EXISTS ${temporary ? 'temp.' : ''}${name}`,
    `CREATE ${temporary ? 'TEMP ' : ''}VIEW ${name} AS\n${select}`,
  ],
  type: (type) => SQLITE_TYPES[type],
  nullOf: (type) => `CAST(NULL AS ${SQLITE_TYPES[type]})`,
  day: (column) => inPeriod(plausibleEpoch(column), `date(${column}, 'unixepoch')`),
  weekStart: (column) =>
    inPeriod(plausibleEpoch(column), `date(${column}, 'unixepoch', 'weekday 0', '-6 days')`),
  isoWeek: (column) =>
    `CASE WHEN ${plausibleEpoch(column)} THEN printf('%s-W%02d', strftime('%Y', ${sqliteThursday(column)}), ` +
    `(CAST(strftime('%j', ${sqliteThursday(column)}) AS INTEGER) + 6) / 7) END`,
  atOrAfter: (column, epochSeconds) => `${column} >= ${integer(epochSeconds)}`,
  median: (column, from) => {
    const n = `(SELECT count(${column}) FROM ${from})`;
    return (
      `(SELECT avg(v) FROM (SELECT ${column} AS v FROM ${from} WHERE ${column} IS NOT NULL` +
      ` ORDER BY ${column} LIMIT 2 - ${n} % 2 OFFSET (${n} - 1) / 2))`
    );
  },
};

export function dialectSql(dialect: Dialect): DialectSql {
  return dialect === 'duckdb' ? duckdb : sqlite;
}

/** Numbers are the only values spliced into SQL text; refuse anything but a safe integer. */
function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return String(value);
}
