/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals, the
 * functions of this file and the engine `E`. The people and playbooks tables.
 */
import type { Payload } from '../payload.js';
import type { Figures } from './figures.js';
import type { PersonRow } from './people.js';
import type { RenderEngine } from './render.js';

function personTable(
  E: RenderEngine,
  rows: readonly PersonRow[],
  first: string,
  acusHeader: string,
  price: number | null,
): string {
  return `<div class="scroll-x">${E.htmlTable(
    [first, acusHeader, ...(price === null ? [] : ['Cost']), 'Sessions', 'Merged PRs', 'Merge rate'],
    rows.map((r) => [
      r.label,
      E.fmtNumber(r.acus),
      ...(price === null ? [] : [E.fmtMoney(r.acus * price)]),
      E.fmtNumber(r.sessions),
      E.fmtNumber(r.merged),
      E.fmtShare(r.mergeRate),
    ]),
    first === 'User' ? 'Top users' : 'Service users',
  )}</div>`;
}

export function renderPeople(E: RenderEngine, payload: Payload, f: Figures): string {
  const acusHeader = f.peopleBilled ? 'Billed ACUs' : 'ACUs (sessions)';
  const top = f.people.slice(0, 15);
  const more = f.peopleCount > top.length ? ` (top ${top.length} of ${E.fmtNumber(f.peopleCount)})` : '';
  const notes = [payload.notes.users, f.peopleBilled ? null : payload.notes.byUser].filter((n) => n !== null);
  const share =
    f.unattributed === null
      ? ''
      : `<p class="share" data-share="unattributed">${E.esc(
          `${E.fmtShare(f.unattributed)} of the ${f.source === 'billed' && f.peopleBilled ? "organization's billed ACUs" : "sessions' ACUs"} in the period ${f.source === 'billed' && f.peopleBilled ? 'are billed to no user (service users, API and integrations)' : 'come from service users or no user at all'}.`,
        )}</p>`;
  return `<h3>Users${E.esc(more)}</h3>
${personTable(E, top, 'User', acusHeader, f.price)}
${share}
<h3>Service users</h3>
${f.serviceUsers.length === 0 ? '<p class="muted">No service-user sessions in this period.</p>' : personTable(E, f.serviceUsers.slice(0, 15), 'Service user', 'ACUs (sessions)', f.price)}
${notes.map((n) => `<p class="note-inline">${E.esc(n)}</p>`).join('\n')}`;
}

export function renderPlaybooks(E: RenderEngine, payload: Payload, f: Figures): string {
  const table = E.htmlTable(
    ['Playbook', 'Sessions', 'ACUs', ...(f.price === null ? [] : ['Cost']), 'Merged PRs', 'Merge rate'],
    f.playbooks.map((p) => [
      p.title,
      E.fmtNumber(p.sessions),
      E.fmtNumber(p.acus),
      ...(f.price === null ? [] : [E.fmtMoney(p.acus * (f.price ?? 0))]),
      E.fmtNumber(p.merged),
      E.fmtShare(p.mergeRate),
    ]),
    'Playbooks',
  );
  const note =
    payload.notes.playbooks === null ? '' : `<p class="note-inline">${E.esc(payload.notes.playbooks)}</p>`;
  return `${table}
<p class="muted">${E.esc(`${E.fmtNumber(f.noPlaybookSessions)} of ${E.fmtNumber(f.sessions.sessions)} sessions in the period used no playbook.`)}</p>
${note}`;
}

export const RENDER_PEOPLE_FUNCTIONS = [personTable, renderPeople, renderPlaybooks];
