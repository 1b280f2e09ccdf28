/** The embedded session columns, read from session_facts (one row per session, newest first). */
import type { ActorBook } from './actors.js';
import type { ReportDatabase, SqlValue } from './database.js';
import { Dictionary, dayOf, hundredths } from './dictionary.js';
import type { Payload, SessionColumns } from './payload.js';
import { plausibleEpoch } from './plausible.js';

export interface DayBounds {
  /** Inclusive UTC days (days since 1970-01-01); null: unbounded. */
  sinceDay: number | null;
  untilDay: number | null;
}

export interface SessionPayload {
  sessions: SessionColumns;
  dims: Payload['dims'];
  playbookIds: string[];
  urlBase: string | null;
}

const DEVIN_PREFIX = /^devin-/;

function sessionSql(db: ReportDatabase, bounds: DayBounds, hasInsights: boolean): string {
  const epoch = db.dialect === 'duckdb' ? 'CAST(epoch(created_at) AS BIGINT)' : 'created_at';
  const until = bounds.untilDay === null ? '' : ` AND ${epoch} < ${(bounds.untilDay + 1) * 86_400}`;
  return `SELECT session_id, title, url, status, origin, category,
      user_id, service_user_id, playbook_id, coalesce(acus_consumed, 0) AS acus, ${epoch} AS created,
      prs, prs_merged, prs_open, prs_closed, ${hasInsights ? 'session_size' : 'NULL'} AS size, messages_synced
    FROM session_facts WHERE ${plausibleEpoch(epoch)}${until}
    ORDER BY created DESC, session_id`;
}

/** Reads every session in the bounds (the --since filter is already in session_facts). */
export async function loadSessionPayload(
  db: ReportDatabase,
  bounds: DayBounds,
  actors: ActorBook,
  hasInsights: boolean,
): Promise<SessionPayload> {
  const rows = await db.columns(sessionSql(db, bounds, hasInsights));
  const col = (name: string): SqlValue[] => rows[name] ?? [];
  const dicts = { status: new Dictionary(), origin: new Dictionary(), category: new Dictionary() };
  const sizes = new Dictionary();
  const titles = new Dictionary();
  const playbooks = new Dictionary();
  const ids = col('session_id').map((id) => (text(id) ?? '').replace(DEVIN_PREFIX, ''));
  const urls = col('url').map(text);
  const urlBase = guessUrlBase(ids[0], urls[0] ?? null);
  const columns = emptyColumns();
  columns.id = ids;
  columns.url = urls.map((url, i) => (urlBase !== null && url === urlBase + ids[i] ? null : (url ?? '')));
  columns.title = col('title').map((title) => titles.add(text(title) ?? ''));
  columns.day = col('created').map((created) => dayOf(Number(created)));
  columns.status = col('status').map((v) => dicts.status.add(text(v) ?? 'unknown'));
  columns.origin = col('origin').map((v) => dicts.origin.add(text(v) ?? 'unknown'));
  columns.category = col('category').map((v) => dicts.category.add(text(v) ?? 'uncategorized'));
  const users = col('user_id');
  const services = col('service_user_id');
  columns.actor = ids.map((_, i) => actorOf(text(users[i]), text(services[i]), actors));
  columns.playbook = col('playbook_id').map((v) => (v === null ? -1 : playbooks.add(String(v))));
  columns.acus = col('acus').map((v) => hundredths(Number(v)));
  columns.prs = col('prs').map((v) => Number(v ?? 0));
  columns.merged = col('prs_merged').map((v) => Number(v ?? 0));
  columns.open = col('prs_open').map((v) => Number(v ?? 0));
  columns.closed = col('prs_closed').map((v) => Number(v ?? 0));
  columns.size = col('size').map((v) => (v === null ? -1 : sizes.add(String(v))));
  columns.messages = col('messages_synced').map((v) => (v === null ? -1 : Number(v)));
  return {
    sessions: columns,
    dims: {
      status: dicts.status.values,
      origin: dicts.origin.values,
      category: dicts.category.values,
      size: sizes.values,
      title: titles.values,
    },
    playbookIds: playbooks.values,
    urlBase,
  };
}

function actorOf(user: string | null, service: string | null, actors: ActorBook): number {
  if (user !== null) return actors.user(user);
  return service !== null ? actors.serviceUser(service) : actors.nobody();
}

/** The URL prefix of the first session, when its URL ends with its id (the API's usual form). */
function guessUrlBase(id: string | undefined, url: string | null): string | null {
  if (!id || url === null || !url.endsWith(id)) return null;
  return url.slice(0, url.length - id.length);
}

export function emptyColumns(): SessionColumns {
  return {
    id: [],
    url: [],
    title: [],
    day: [],
    status: [],
    origin: [],
    category: [],
    actor: [],
    playbook: [],
    acus: [],
    prs: [],
    merged: [],
    open: [],
    closed: [],
    size: [],
    messages: [],
  };
}

function text(value: SqlValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** Sessions whose created_at is no plausible instant (or missing): left out of every period. */
export async function implausibleSessions(db: ReportDatabase): Promise<number> {
  const epoch = db.dialect === 'duckdb' ? 'CAST(epoch(created_at) AS BIGINT)' : 'created_at';
  const rows = await db.all(
    `SELECT count(*) AS n FROM session_facts WHERE NOT coalesce(${plausibleEpoch(epoch)}, false)`,
  );
  return Number(rows[0]?.n ?? 0);
}
