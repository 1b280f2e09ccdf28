/** Reads everything the page embeds from a database opened read-only. */
import { ALL_STREAM_NAMES as STREAM_NAMES } from '../tap/streams/index.js';
import { ActorBook, loadMembers } from './actors.js';
import { implausibleBillingDays, loadBilling, loadUserBilling } from './billing-payload.js';
import { plainText } from './client/format.js';
import type { ReportDatabase } from './database.js';
import { refuseEarlierTimeColumns } from './earlier-time-columns.js';
import type { Payload } from './payload.js';
import { type DayBounds, emptyColumns, implausibleSessions, loadSessionPayload } from './session-payload.js';
import { tableColumns } from './table-columns.js';
import { viewStatements } from './views.js';

export interface StreamCount {
  name: string;
  /** null: the stream was not synced into this database (no table). */
  rows: number | null;
  /** When its state was last committed (ISO 8601 UTC); null when never (or a `load` without one). */
  lastSynced: string | null;
}

export interface LoadOptions {
  database: string;
  bounds: DayBounds;
  since: string | null;
  until: string | null;
  price: number | null;
  /** A monthly budget in USD, or null. */
  budgetUsd?: number | null;
  now: Date;
}

export async function loadPayload(db: ReportDatabase, options: LoadOptions): Promise<Payload> {
  const tables = await db.tables();
  await refuseEarlierTimeColumns(db, tables);
  const { sinceDay } = options.bounds;
  const viewOptions = sinceDay === null ? { temporary: true } : { temporary: true, since: sinceDay * 86_400 };
  for (const statement of viewStatements(db.dialect, tables, viewOptions)) await db.exec(statement);
  const members = await loadMembers(db);
  const actors = new ActorBook(members ?? new Map());
  const hasSessions = tables.has('sessions') || tables.has('sessions_insights');
  const hasInsights = tables.has('sessions_insights');
  const loaded = hasSessions
    ? await loadSessionPayload(db, options.bounds, actors, hasInsights)
    : {
        sessions: emptyColumns(),
        dims: { status: [], origin: [], category: [], size: [], title: [] },
        playbookIds: [],
        urlBase: null,
      };
  const billing = await loadBilling(db, options.bounds);
  const billingByUser = await loadUserBilling(db, options.bounds, actors);
  const titles = await playbookTitles(db);
  const leftOut = (hasSessions ? await implausibleSessions(db) : 0) + (await implausibleBillingDays(db));
  const days = [...loaded.sessions.day, ...(billing?.day ?? []), ...(billingByUser?.day ?? [])];
  return {
    meta: {
      database: options.database,
      engine: db.dialect === 'duckdb' ? 'DuckDB' : 'SQLite',
      generatedAt: options.now.toISOString(),
      since: options.since,
      until: options.until,
      price: options.price,
      budgetUsd: options.budgetUsd ?? null,
      firstDay: days.length === 0 ? null : days.reduce((a, b) => Math.min(a, b)),
      lastDay: days.length === 0 ? null : days.reduce((a, b) => Math.max(a, b)),
      urlBase: loaded.urlBase,
      leftOut,
    },
    notes: notesFor(members !== null, billing !== null, billingByUser !== null, titles !== null),
    has: { sessions: hasSessions, insights: hasInsights, messages: tables.has('session_messages') },
    dims: visibleDims(loaded.dims),
    actors: visibleActors(actors.columns()),
    playbooks: {
      id: loaded.playbookIds,
      title: loaded.playbookIds.map((id) => visible(titles?.get(id) ?? id)),
    },
    sessions: loaded.sessions,
    billing,
    billingByUser,
  };
}

/** User text with reordering and hiding characters shown as code points, everywhere (charts too). */
const visible = (text: string): string => plainText(text, Number.POSITIVE_INFINITY);

function visibleDims(dims: Payload['dims']): Payload['dims'] {
  const { status, origin, category, size, title } = dims;
  const all = (values: string[]) => values.map(visible);
  return {
    status: all(status),
    origin: all(origin),
    category: all(category),
    size: all(size),
    title: all(title),
  };
}

function visibleActors(actors: Payload['actors']): Payload['actors'] {
  return { ...actors, label: actors.label.map(visible) };
}

function notesFor(users: boolean, billing: boolean, byUser: boolean, playbooks: boolean): Payload['notes'] {
  return {
    users: users
      ? null
      : 'The users stream has not been synced: people are shown by their user id, not by name.',
    billing: billing
      ? null
      : 'consumption_daily has not been synced (or has no rows in the period): costs are estimated from the ACUs each session reports.',
    byUser: byUser
      ? null
      : 'consumption_by_user has not been synced: people are ranked by the ACUs their sessions report, not by billed ACUs.',
    playbooks: playbooks
      ? null
      : 'The playbooks stream has not been synced: playbooks are shown by id, not by title.',
  };
}

async function playbookTitles(db: ReportDatabase): Promise<Map<string, string> | null> {
  const columns = await tableColumns(db, 'playbooks');
  if (!columns.has('playbook_id') || !columns.has('title')) return null;
  const rows = await db.all('SELECT playbook_id, title FROM playbooks WHERE title IS NOT NULL');
  return new Map(rows.map((row) => [String(row.playbook_id), String(row.title)]));
}

export async function streamCounts(db: ReportDatabase): Promise<StreamCount[]> {
  const tables = await db.tables();
  const synced = await lastSyncedAt(db, tables);
  const counts: StreamCount[] = [];
  for (const name of STREAM_NAMES) {
    const rows = tables.has(name)
      ? Number((await db.all(`SELECT count(*) AS n FROM ${name}`))[0]?.n ?? 0)
      : null;
    counts.push({ name, rows, lastSynced: synced.get(name) ?? null });
  }
  return counts;
}

/** Stream -> when its state was last committed, from `_devin_tap_state`. */
async function lastSyncedAt(db: ReportDatabase, tables: Set<string>): Promise<Map<string, string>> {
  if (!tables.has('_devin_tap_state')) return new Map();
  const ms = db.dialect === 'duckdb' ? 'epoch_ms(updated_at)' : 'updated_at';
  const rows = await db.all(`SELECT stream, ${ms} AS ms FROM _devin_tap_state`);
  return new Map(
    rows
      .filter((row) => Number.isFinite(Number(row.ms)))
      .map((row) => [String(row.stream), new Date(Number(row.ms)).toISOString()]),
  );
}
