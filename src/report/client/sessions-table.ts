/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals, the
 * functions of this file and the engine `E`. The sessions table: search, sort, one page of rows.
 */
import type { Payload } from '../payload.js';
import type { RenderEngine } from './render.js';

export type SortKey = 'created' | 'title' | 'user' | 'origin' | 'category' | 'status' | 'acus' | 'prs';

export interface TableState {
  sort: SortKey;
  descending: boolean;
  query: string;
  page: number;
}

/** The session's URL; '' unless it is http(s) (a `javascript:` URL in the data never becomes a link). */
export function sessionUrl(payload: Payload, i: number): string {
  const stored = payload.sessions.url[i];
  const url = stored ?? `${payload.meta.urlBase ?? ''}${payload.sessions.id[i] ?? ''}`;
  return /^https?:\/\//i.test(url) ? url : '';
}

function sortValue(payload: Payload, key: SortKey, i: number): number | string {
  const s = payload.sessions;
  if (key === 'created') return -i; // the columns are newest first
  if (key === 'title') return (payload.dims.title[s.title[i] ?? 0] ?? '').toLowerCase();
  if (key === 'user') return (payload.actors.label[s.actor[i] ?? 0] ?? '').toLowerCase();
  if (key === 'acus') return s.acus[i] ?? 0;
  if (key === 'prs') return (s.merged[i] ?? 0) * 1000 + (s.prs[i] ?? 0);
  const dims = payload.dims[key];
  return dims[s[key][i] ?? 0] ?? '';
}

/** The matched sessions that contain the query (title, id or user), in the chosen order. */
export function sessionOrder(payload: Payload, matched: readonly number[], state: TableState): number[] {
  const query = state.query.trim().toLowerCase();
  if (query === '' && state.sort === 'created')
    return state.descending ? [...matched] : [...matched].reverse();
  const s = payload.sessions;
  const found =
    query === ''
      ? [...matched]
      : matched.filter((i) =>
          `${payload.dims.title[s.title[i] ?? 0] ?? ''}\n${s.id[i] ?? ''}\n${payload.actors.label[s.actor[i] ?? 0] ?? ''}`
            .toLowerCase()
            .includes(query),
        );
  const keyed = found.map((i) => ({ i, v: sortValue(payload, state.sort, i) }));
  keyed.sort((a, b) => {
    const order = a.v < b.v ? -1 : a.v > b.v ? 1 : a.i - b.i;
    return state.descending ? -order : order;
  });
  return keyed.map((k) => k.i);
}

export function sessionRows(
  E: RenderEngine,
  payload: Payload,
  order: readonly number[],
  from: number,
  count: number,
): string {
  const s = payload.sessions;
  const price = payload.meta.price;
  return order
    .slice(from, from + count)
    .map((i) => {
      const acus = (s.acus[i] ?? 0) / 100;
      const url = sessionUrl(payload, i);
      const title = E.userText(payload.dims.title[s.title[i] ?? 0] || s.id[i] || '');
      const cells = [
        new Date((s.day[i] ?? 0) * 86_400_000).toISOString().slice(0, 10),
        url === '' ? title : `<a href="${E.esc(url)}" target="_blank" rel="noopener">${title}</a>`,
        E.userText(payload.actors.label[s.actor[i] ?? 0] ?? ''),
        E.userText(payload.dims.origin[s.origin[i] ?? 0] ?? ''),
        E.userText(payload.dims.category[s.category[i] ?? 0] ?? ''),
        E.userText(payload.dims.status[s.status[i] ?? 0] ?? ''),
        E.esc(E.fmtNumber(acus)),
        ...(price === null ? [] : [E.esc(E.fmtMoney(acus * price))]),
        E.esc(`${s.merged[i] ?? 0} / ${s.prs[i] ?? 0}`),
      ];
      // Created, user, origin, category and status are text: left-aligned, as their headers.
      const cell = (c: string, k: number) =>
        k === 1 ? `<th scope="row">${c}</th>` : k <= 5 ? `<td class="text">${c}</td>` : `<td>${c}</td>`;
      return `<tr data-session="${i}">${cells.map(cell).join('')}</tr>`;
    })
    .join('\n');
}

export function sessionHeaders(payload: Payload): [SortKey, string][] {
  const headers: [SortKey, string][] = [
    ['created', 'Created'],
    ['title', 'Session'],
    ['user', 'User'],
    ['origin', 'Origin'],
    ['category', 'Category'],
    ['status', 'Status'],
    ['acus', 'ACUs'],
  ];
  if (payload.meta.price !== null) headers.push(['acus', 'Cost']);
  headers.push(['prs', 'Merged / PRs']);
  return headers;
}

export const SESSIONS_TABLE_FUNCTIONS = [sessionUrl, sortValue, sessionOrder, sessionRows, sessionHeaders];
