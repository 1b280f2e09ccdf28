/**
 * What the report reads beyond the embedded columns, from the views and tables (the same SQL in both
 * engines): the billing cycle against its limits, spend by organization and by repository over the
 * window the page opens on, adoption from the metrics streams, and the schedules that keep failing.
 */
import type { ReportDatabase, Row, SqlValue } from './database.js';
import { UNOWNED_LABEL } from './enterprise-views.js';
import type { CycleCard } from './payload.js';
import { orgActivity, repoSpend, windowSessions } from './window-spend.js';

export interface CycleRow {
  scope: 'enterprise' | 'org';
  orgId: string | null;
  name: string;
  limit: number | null;
  acus: number;
  projected: number | null;
}

/** The billing cycle holding the last billed day: every row of cycle_budget for it. */
export interface CycleFigures {
  /** Whole days since 1970-01-01 of the cycle's first and last day (its end is exclusive: last = end - 1). */
  startDay: number;
  lastDay: number;
  elapsedDays: number;
  cycleDays: number;
  rows: CycleRow[];
}

export interface SpendRow {
  label: string;
  /** null: the share no organization owns (or no repository is named). */
  id: string | null;
  acus: number;
  sessions: number | null;
  merged: number | null;
}

export interface ActiveUsersRow {
  period: 'day' | 'week' | 'month';
  start: number;
  activeUsers: number;
}

export interface FailingSchedule {
  name: string;
  failures: number;
  lastErrorAt: string | null;
  lastError: string | null;
}

export interface Extras {
  cycle: CycleFigures | null;
  orgSpend: SpendRow[] | null;
  repoSpend: SpendRow[] | null;
  /** null: metrics_active_users not synced (the page derives adoption from sessions, and says so). */
  activeUsers: ActiveUsersRow[] | null;
  failingSchedules: FailingSchedule[] | null;
}

const num = (value: SqlValue | undefined): number => Number(value ?? 0);
const text = (value: SqlValue | undefined): string | null =>
  value === null || value === undefined ? null : String(value);
/** 'YYYY-MM-DD' of a day number, for comparing with a view's DATE (DuckDB) or TEXT (SQLite) day. */
const iso = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

async function views(db: ReportDatabase): Promise<Set<string>> {
  const sql =
    db.dialect === 'duckdb'
      ? 'SELECT view_name AS name FROM duckdb_views() WHERE NOT internal'
      : "SELECT name FROM sqlite_temp_master WHERE type = 'view' UNION SELECT name FROM sqlite_master WHERE type = 'view'";
  return new Set((await db.all(sql)).map((row) => String(row.name)));
}

async function loadCycle(db: ReportDatabase): Promise<CycleFigures | null> {
  const rows = await db.all(
    `SELECT * FROM cycle_budget WHERE cycle_start = (SELECT max(cycle_start) FROM cycle_budget WHERE elapsed_days > 0)
     ORDER BY scope, coalesce(acus, 0) DESC, org_id`,
  );
  const first = rows[0];
  if (first === undefined) return null;
  return {
    startDay: Math.floor(num(first.cycle_start) / 86_400),
    lastDay: Math.floor((num(first.cycle_end) - 1) / 86_400),
    elapsedDays: num(first.elapsed_days),
    cycleDays: num(first.cycle_days),
    rows: rows.map((row: Row) => ({
      scope: row.scope === 'enterprise' ? 'enterprise' : 'org',
      orgId: text(row.org_id),
      name:
        text(row.org_name) ?? (row.scope === 'enterprise' ? 'Enterprise (billed total)' : String(row.org_id)),
      limit: row.acu_limit === null ? null : num(row.acu_limit),
      acus: num(row.acus),
      projected: row.projected_acus === null ? null : num(row.projected_acus),
    })),
  };
}

async function loadOrgSpend(
  db: ReportDatabase,
  from: string,
  to: string,
  activity: Map<string | null, { sessions: number; merged: number }> | null,
): Promise<SpendRow[]> {
  const rows = await db.all(
    `SELECT org_id, max(org_name) AS org_name, sum(acus) AS acus FROM org_spend
     WHERE billing_day BETWEEN '${from}' AND '${to}' GROUP BY org_id ORDER BY sum(acus) DESC`,
  );
  return rows.map((row) => {
    const id = text(row.org_id);
    const own = id === null || activity === null ? null : (activity.get(id) ?? { sessions: 0, merged: 0 });
    return {
      label: text(row.org_name) ?? id ?? UNOWNED_LABEL,
      id,
      acus: num(row.acus),
      sessions: own?.sessions ?? null,
      merged: own?.merged ?? null,
    };
  });
}

async function loadActiveUsers(db: ReportDatabase): Promise<ActiveUsersRow[]> {
  const rows = await db.all(
    // An enterprise database has a row per organization: summed (a member of two counts in each).
    `SELECT period, start_time, sum(active_users) AS active_users FROM metrics_active_users
     WHERE period IN ('day', 'week', 'month') AND active_users IS NOT NULL
     GROUP BY period, start_time ORDER BY period, start_time`,
  );
  return rows.map((row) => ({
    period: row.period as ActiveUsersRow['period'],
    start: Math.floor(num(row.start_time) / 86_400),
    activeUsers: num(row.active_users),
  }));
}

async function loadFailing(db: ReportDatabase): Promise<FailingSchedule[]> {
  const rows = await db.all(
    `SELECT name, scheduled_session_id, consecutive_failures, last_error_at, last_error_message
     FROM schedule_health WHERE failing ORDER BY consecutive_failures DESC, name`,
  );
  return rows.map((row) => ({
    name: text(row.name) ?? String(row.scheduled_session_id),
    failures: num(row.consecutive_failures),
    lastErrorAt:
      typeof row.last_error_at === 'number'
        ? new Date(row.last_error_at * 1000).toISOString()
        : text(row.last_error_at),
    lastError: text(row.last_error_message),
  }));
}

/** Reads the extras from the views already created on `db`; `window` is the opening view's days. */
export async function loadExtras(
  db: ReportDatabase,
  tables: ReadonlySet<string>,
  window: { start: number; end: number } | null,
): Promise<Extras> {
  const present = await views(db);
  const from = window === null ? null : iso(window.start);
  const to = window === null ? null : iso(window.end);
  const sessions = window === null ? null : await windowSessions(db, tables, window.start, window.end + 1);
  const orgSpend =
    present.has('org_spend') && from !== null && to !== null
      ? await loadOrgSpend(db, from, to, sessions === null ? null : orgActivity(sessions))
      : null;
  return {
    cycle: present.has('cycle_budget') ? await loadCycle(db) : null,
    orgSpend,
    repoSpend: sessions === null ? null : repoSpend(sessions),
    activeUsers: tables.has('metrics_active_users') ? await loadActiveUsers(db) : null,
    failingSchedules: present.has('schedule_health') ? await loadFailing(db) : null,
  };
}

/** The card's figures: the enterprise row of the current cycle (null without one). */
export function cycleCard(extras: Extras): CycleCard | null {
  const c = extras.cycle;
  const row = c?.rows.find((r) => r.scope === 'enterprise');
  if (c === null || row === undefined) return null;
  const { startDay, lastDay, elapsedDays, cycleDays } = c;
  return {
    startDay,
    lastDay,
    elapsedDays,
    cycleDays,
    acus: row.acus,
    limit: row.limit,
    projected: row.projected,
  };
}
