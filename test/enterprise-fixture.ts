/**
 * Enterprise tables (issue 18's contract, /work/wt/briefs/enterprise-contract.md) created by hand in
 * DuckDB and SQLite with the contract's columns and types, filled with fixed data whose sums the tests
 * compute themselves. Time columns (every *_at, date, after, before: the catalog marks them) are
 * TIMESTAMPTZ in DuckDB and epoch-second INTEGER in SQLite, as sync writes them.
 */
import type { Dialect } from '../src/report/views.js';
import type { JsonObject } from '../src/tap/json.js';
import type { Query } from './report-helpers.js';

export const DAY = 86_400;
/** 2026-09-01, a billing day starting at 08:00 UTC. */
export const FIRST_DAY = Date.UTC(2026, 8, 1) / 1000 / DAY;
export const BILLED_DAYS = 45;
export const CYCLE_DAYS = 30;
const BILLING_HOUR = 8 * 3600;

export interface Org {
  org_id: string;
  name: string;
  max_cycle_acu_limit: number | null;
}
export const ORGS: readonly Org[] = [
  { org_id: 'org-alpha', name: 'Alpha', max_cycle_acu_limit: 900 },
  { org_id: 'org-beta', name: 'Beta', max_cycle_acu_limit: 400 },
  { org_id: 'org-gamma', name: 'Gamma', max_cycle_acu_limit: null },
];
/** acu_limits rows: the enterprise's, Alpha's own (wins over its max_cycle_acu_limit), one user's. */
export const LIMITS = [
  { scope: 'enterprise', org_id: null, user_id: null, cycle_acu_limit: 3000 },
  { scope: 'org', org_id: 'org-alpha', user_id: null, cycle_acu_limit: 1000 },
  { scope: 'user', org_id: null, user_id: 'user-1', cycle_acu_limit: 50 },
] as const;

export interface DayRow {
  date: number;
  org_id?: string;
  acus: number;
  acus_devin: number;
  acus_cascade: number;
  acus_terminal: number;
  acus_review: number;
}

const billingStart = (n: number) => (FIRST_DAY + n) * DAY + BILLING_HOUR;

/** Per org and day (Gamma skips every third day); the enterprise total adds cascade and terminal. */
export function orgDays(): DayRow[] {
  const rows: DayRow[] = [];
  for (let n = 0; n < BILLED_DAYS; n++) {
    ORGS.forEach((org, o) => {
      if (o === 2 && n % 3 === 0) return;
      const devin = 5 + ((n * 7 + o * 3) % 11) + o * 0.25;
      const review = (n + o) % 4;
      rows.push({
        date: billingStart(n),
        org_id: org.org_id,
        acus: devin + review,
        acus_devin: devin,
        acus_cascade: 0,
        acus_terminal: 0,
        acus_review: review,
      });
    });
  }
  return rows;
}

export function enterpriseDays(): DayRow[] {
  const byOrg = orgDays();
  return Array.from({ length: BILLED_DAYS }, (_, n) => {
    const date = billingStart(n);
    const own = byOrg.filter((row) => row.date === date);
    const sum = (key: keyof DayRow) => own.reduce((total, row) => total + Number(row[key]), 0);
    const cascade = 1.5 + (n % 5);
    const terminal = n % 2;
    return {
      date,
      acus: sum('acus') + cascade + terminal,
      acus_devin: sum('acus_devin'),
      acus_cascade: cascade,
      acus_terminal: terminal,
      acus_review: sum('acus_review'),
    };
  });
}

/** Two cycles of 30 days: the first fully billed, the second billed for its first 15 days. */
export const CYCLES = [0, 1].map((c) => ({
  after: billingStart(c * CYCLE_DAYS),
  before: billingStart((c + 1) * CYCLE_DAYS),
}));

/** metrics_categories: per org and UTC day; one category has no subcategories. */
export function categoryRows(): { org_id: string; date: number; categories: JsonObject[] }[] {
  return ORGS.flatMap((org, o) =>
    [0, 1, 2].map((n) => ({
      org_id: org.org_id,
      date: (FIRST_DAY + n) * DAY,
      categories: [
        {
          category: 'bug_fix',
          sessions_count: 4 + o,
          acus: 12.5 + n,
          subcategories: [
            { subcategory_id: 'bf-ui', display_name: 'UI bugs', sessions_count: 1 + n, acus: 3.25 },
            { subcategory_id: 'bf-api', display_name: 'API bugs', sessions_count: 3, acus: 9.25 + n },
          ],
        },
        { category: 'docs', sessions_count: 2, acus: 1.5 * (o + 1), subcategories: [] },
      ],
    })),
  );
}

const types = (dialect: Dialect) =>
  dialect === 'duckdb'
    ? { text: 'VARCHAR', int: 'BIGINT', real: 'DOUBLE', ts: 'TIMESTAMPTZ', json: 'JSON' }
    : { text: 'TEXT', int: 'INTEGER', real: 'REAL', ts: 'INTEGER', json: 'TEXT' };

export type EnterpriseTable =
  | 'organizations'
  | 'consumption_daily'
  | 'consumption_by_org'
  | 'billing_cycles'
  | 'acu_limits'
  | 'metrics_categories';

export const ENTERPRISE_TABLES: readonly EnterpriseTable[] = [
  'organizations',
  'consumption_daily',
  'consumption_by_org',
  'billing_cycles',
  'acu_limits',
  'metrics_categories',
];

function ddl(dialect: Dialect): Record<EnterpriseTable, string> {
  const t = types(dialect);
  const products = `acus ${t.real}, acus_by_product ${t.json}, acus_devin ${t.real}, acus_cascade ${t.real}, acus_terminal ${t.real}, acus_review ${t.real}`;
  return {
    organizations: `CREATE TABLE organizations (org_id ${t.text} PRIMARY KEY, name ${t.text}, created_at ${t.ts}, updated_at ${t.ts}, max_cycle_acu_limit ${t.real}, max_session_acu_limit ${t.real})`,
    consumption_daily: `CREATE TABLE consumption_daily (date ${t.ts} PRIMARY KEY, ${products})`,
    consumption_by_org: `CREATE TABLE consumption_by_org (org_id ${t.text}, date ${t.ts}, ${products}, PRIMARY KEY (org_id, date))`,
    billing_cycles: `CREATE TABLE billing_cycles ("after" ${t.ts} PRIMARY KEY, "before" ${t.ts})`,
    acu_limits: `CREATE TABLE acu_limits (acu_limit_key ${t.text} PRIMARY KEY, scope ${t.text}, org_id ${t.text}, user_id ${t.text}, cycle_acu_limit ${t.real})`,
    metrics_categories: `CREATE TABLE metrics_categories (org_id ${t.text}, date ${t.ts}, categories ${t.json}, PRIMARY KEY (org_id, date))`,
  };
}

const literal = (value: unknown): string =>
  value === null || value === undefined
    ? 'NULL'
    : typeof value === 'number'
      ? String(value)
      : `'${String(value).replace(/'/g, "''")}'`;

const dayValues = (row: DayRow): string =>
  [
    row.acus,
    literal(
      JSON.stringify({ devin: row.acus_devin, cascade: row.acus_cascade, terminal: row.acus_terminal }),
    ),
    row.acus_devin,
    row.acus_cascade,
    row.acus_terminal,
    row.acus_review,
  ].join(', ');

/** INSERT statements for each table. */
function inserts(dialect: Dialect): Record<EnterpriseTable, string[]> {
  const ts = (epoch: number) => (dialect === 'duckdb' ? `to_timestamp(${epoch})` : String(epoch));
  const created = FIRST_DAY * DAY - 400 * DAY;
  return {
    organizations: ORGS.map(
      (org) =>
        `INSERT INTO organizations VALUES (${literal(org.org_id)}, ${literal(org.name)}, ${ts(created)}, ${ts(created)}, ${literal(org.max_cycle_acu_limit)}, NULL)`,
    ),
    consumption_daily: enterpriseDays().map(
      (row) => `INSERT INTO consumption_daily VALUES (${ts(row.date)}, ${dayValues(row)})`,
    ),
    consumption_by_org: orgDays().map(
      (row) =>
        `INSERT INTO consumption_by_org VALUES (${literal(row.org_id)}, ${ts(row.date)}, ${dayValues(row)})`,
    ),
    billing_cycles: CYCLES.map((c) => `INSERT INTO billing_cycles VALUES (${ts(c.after)}, ${ts(c.before)})`),
    acu_limits: LIMITS.map(
      (l) =>
        `INSERT INTO acu_limits VALUES (${literal(`${l.scope}:${l.org_id ?? ''}:${l.user_id ?? ''}`)}, ${literal(l.scope)}, ${literal(l.org_id)}, ${literal(l.user_id)}, ${l.cycle_acu_limit})`,
    ),
    metrics_categories: categoryRows().map(
      (row) =>
        `INSERT INTO metrics_categories VALUES (${literal(row.org_id)}, ${ts(row.date)}, ${literal(JSON.stringify(row.categories))})`,
    ),
  };
}

/** Statements that create and fill the given enterprise tables. */
export function enterpriseStatements(
  dialect: Dialect,
  tables: readonly EnterpriseTable[] = ENTERPRISE_TABLES,
): string[] {
  const create = ddl(dialect);
  const rows = inserts(dialect);
  return tables.flatMap((table) => [create[table], ...rows[table]]);
}

/** Creates the tables through an open database (report-helpers' withDatabase). */
export async function createEnterpriseTables(
  query: Query,
  dialect: Dialect,
  tables: readonly EnterpriseTable[] = ENTERPRISE_TABLES,
): Promise<void> {
  for (const statement of enterpriseStatements(dialect, tables)) await query(statement);
}
