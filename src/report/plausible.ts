/**
 * The instants the views and the report put into periods: 2000-01-01 to 2099-12-31 (UTC). A value
 * outside (epoch milliseconds read as seconds, 2^53 - 1) stays in its table but in no period: a
 * DuckDB date function fails on it, and a report's period would run to the year 58901.
 */
export const EARLIEST_INSTANT = 946_684_800;
export const LATEST_INSTANT = 4_102_444_800;

/** SQL: an epoch-seconds integer column holds a plausible instant. */
export function plausibleEpoch(column: string): string {
  return `(${column} >= ${EARLIEST_INSTANT} AND ${column} < ${LATEST_INSTANT})`;
}

/** SQL: a DuckDB TIMESTAMPTZ column holds a plausible instant. */
export function plausibleTimestamp(column: string): string {
  return `(${column} >= TIMESTAMPTZ '2000-01-01 00:00:00+00' AND ${column} < TIMESTAMPTZ '2100-01-01 00:00:00+00')`;
}
