/** The embedded billing columns: consumption_daily (the org) and consumption_by_user (per member). */
import type { ActorBook } from './actors.js';
import type { ReportDatabase, Row } from './database.js';
import { dayOf, hundredths } from './dictionary.js';
import type { BillingColumns, UserBillingColumns } from './payload.js';
import { plausibleEpoch } from './plausible.js';
import type { DayBounds } from './session-payload.js';
import { columnOr, tableColumns } from './table-columns.js';

const PRODUCT_COLUMNS = ['devin', 'cascade', 'terminal', 'review'] as const;

/** A billing day's start as epoch seconds: a DuckDB time column is TIMESTAMPTZ, a SQLite one an integer. */
function epochOf(db: ReportDatabase): string {
  return db.dialect === 'duckdb' ? 'CAST(epoch(date) AS BIGINT)' : 'date';
}

function billingSql(
  db: ReportDatabase,
  table: string,
  columns: ReadonlySet<string>,
  bounds: DayBounds,
  extra: string,
): string {
  const date = epochOf(db);
  const products = PRODUCT_COLUMNS.map(
    (p) => `coalesce(${columnOr(columns, `acus_${p}`, '0')}, 0) AS ${p}`,
  ).join(', ');
  const where = [
    'date IS NOT NULL',
    plausibleEpoch(date),
    bounds.sinceDay === null ? '' : `${date} >= ${bounds.sinceDay * 86_400}`,
    bounds.untilDay === null ? '' : `${date} < ${(bounds.untilDay + 1) * 86_400}`,
  ].filter((clause) => clause !== '');
  return `SELECT ${extra}${date} AS date, ${columnOr(columns, 'acus', 'NULL')} AS acus, ${products}
    FROM ${table} WHERE ${where.join(' AND ')} ORDER BY date`;
}

function pushBilling(columns: BillingColumns, row: Row): void {
  const products = PRODUCT_COLUMNS.map((p) => Number(row[p] ?? 0));
  const known = products.reduce((a, b) => a + b, 0);
  const total = row.acus === null || row.acus === undefined ? known : Number(row.acus);
  columns.day.push(dayOf(Number(row.date)));
  columns.devin.push(hundredths(products[0] ?? 0));
  columns.cascade.push(hundredths(products[1] ?? 0));
  columns.terminal.push(hundredths(products[2] ?? 0));
  columns.review.push(hundredths(products[3] ?? 0));
  columns.other.push(Math.max(0, hundredths(total) - hundredths(known)));
}

const emptyBilling = (): BillingColumns => ({
  day: [],
  devin: [],
  cascade: [],
  terminal: [],
  review: [],
  other: [],
});

/** The org's billed ACUs per billing day; null when consumption_daily was not synced or is empty. */
export async function loadBilling(db: ReportDatabase, bounds: DayBounds): Promise<BillingColumns | null> {
  const columns = await tableColumns(db, 'consumption_daily');
  if (!columns.has('date')) return null;
  const rows = await db.all(billingSql(db, 'consumption_daily', columns, bounds, ''));
  if (rows.length === 0) return null;
  const billing = emptyBilling();
  for (const row of rows) pushBilling(billing, row);
  return billing;
}

/** Each member's billed ACUs per billing day; null when consumption_by_user was not synced or is empty. */
export async function loadUserBilling(
  db: ReportDatabase,
  bounds: DayBounds,
  actors: ActorBook,
): Promise<UserBillingColumns | null> {
  const columns = await tableColumns(db, 'consumption_by_user');
  if (!columns.has('date') || !columns.has('user_id')) return null;
  const rows = await db.all(billingSql(db, 'consumption_by_user', columns, bounds, 'user_id, '));
  if (rows.length === 0) return null;
  const billing: UserBillingColumns = { ...emptyBilling(), actor: [] };
  for (const row of rows) {
    if (row.user_id === null) continue;
    billing.actor.push(actors.user(String(row.user_id)));
    pushBilling(billing, row);
  }
  return billing;
}

/** Rows of the billing tables whose date is no plausible instant: left out of every period. */
export async function implausibleBillingDays(db: ReportDatabase): Promise<number> {
  let count = 0;
  for (const table of ['consumption_daily', 'consumption_by_user']) {
    if (!(await tableColumns(db, table)).has('date')) continue;
    const rows = await db.all(
      `SELECT count(*) AS n FROM ${table} WHERE date IS NOT NULL AND NOT ${plausibleEpoch(epochOf(db))}`,
    );
    count += Number(rows[0]?.n ?? 0);
  }
  return count;
}
