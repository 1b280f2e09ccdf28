/** The embedded session columns, read from session_facts (one row per session, newest first). */
import type { ActorBook } from './actors.js';
import type { ReportDatabase, Row, SqlValue } from './database.js';
import { Dictionary, dayOf, hundredths } from './dictionary.js';
import type { Payload, SessionColumns } from './payload.js';

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
  const until = bounds.untilDay === null ? '' : `WHERE ${epoch} < ${(bounds.untilDay + 1) * 86_400}`;
  return `SELECT session_id, title, url, status, origin, coalesce(category, analysis_category) AS category,
      user_id, service_user_id, playbook_id, coalesce(acus_consumed, 0) AS acus, ${epoch} AS created,
      prs, prs_merged, prs_open, prs_closed, ${hasInsights ? 'session_size' : 'NULL'} AS size, messages_synced
    FROM session_facts ${until}
    ORDER BY created DESC, session_id`;
}

/** Reads every session in the bounds (the --since filter is already in session_facts). */
export async function loadSessionPayload(
  db: ReportDatabase,
  bounds: DayBounds,
  actors: ActorBook,
  hasInsights: boolean,
): Promise<SessionPayload> {
  const rows = await db.all(sessionSql(db, bounds, hasInsights));
  const dicts = { status: new Dictionary(), origin: new Dictionary(), category: new Dictionary() };
  const sizes = new Dictionary();
  const titles = new Dictionary();
  const playbooks = new Dictionary();
  const urlBase = guessUrlBase(rows[0]);
  const columns = emptyColumns();
  for (const row of rows) {
    const id = text(row.session_id) ?? '';
    const url = text(row.url);
    columns.id.push(id.replace(DEVIN_PREFIX, ''));
    columns.url.push(urlBase !== null && url === urlBase + id.replace(DEVIN_PREFIX, '') ? null : (url ?? ''));
    columns.title.push(titles.add(text(row.title) ?? ''));
    columns.day.push(dayOf(Number(row.created)));
    columns.status.push(dicts.status.add(text(row.status) ?? 'unknown'));
    columns.origin.push(dicts.origin.add(text(row.origin) ?? 'unknown'));
    columns.category.push(dicts.category.add(text(row.category) ?? 'uncategorized'));
    columns.actor.push(actorOf(row, actors));
    const playbook = text(row.playbook_id);
    columns.playbook.push(playbook === null ? -1 : playbooks.add(playbook));
    columns.acus.push(hundredths(Number(row.acus)));
    columns.prs.push(Number(row.prs ?? 0));
    columns.merged.push(Number(row.prs_merged ?? 0));
    columns.open.push(Number(row.prs_open ?? 0));
    columns.closed.push(Number(row.prs_closed ?? 0));
    const size = text(row.size);
    columns.size.push(size === null ? -1 : sizes.add(size));
    columns.messages.push(row.messages_synced === null ? -1 : Number(row.messages_synced));
  }
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

function actorOf(row: Row, actors: ActorBook): number {
  const user = text(row.user_id);
  if (user !== null) return actors.user(user);
  const service = text(row.service_user_id);
  return service !== null ? actors.serviceUser(service) : actors.nobody();
}

/** The URL prefix of the first session, when its URL ends with its id (the API's usual form). */
function guessUrlBase(row: Row | undefined): string | null {
  const id = text(row?.session_id)?.replace(DEVIN_PREFIX, '');
  const url = text(row?.url);
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
