/** Pure: the page's panels, filled with the static render of the initial view (the no-JavaScript page). */
import { ENGINE } from './client/engine.js';
import type { Figures } from './client/figures.js';
import { escapeHtml, prose } from './html-escape.js';
import type { Payload } from './payload.js';

export interface PanelSpec {
  id: string;
  title: string;
  description: string;
  wide?: boolean;
  /** Chart canvas id, when the panel has a chart. */
  chart?: string;
  height?: number;
  /** Element ids filled by the engine (tables, texts), with their static content. */
  body: string;
  /** In place of chart and body: why there is nothing to show. */
  note?: string | null;
}

export function renderPanel(panel: PanelSpec): string {
  const chart = panel.chart
    ? `<div class="chart"${panel.height ? ` style="height: ${panel.height}px"` : ''}><canvas id="${panel.chart}" role="img" aria-label="${escapeHtml(panel.title)}"></canvas></div>\n`
    : '';
  const body = panel.note ? `<p class="note">${prose(panel.note)}</p>` : `${chart}${panel.body}`;
  return `<section class="panel${panel.wide ? ' wide' : ''}" id="${panel.id}">
<h2>${escapeHtml(panel.title)}</h2>
<p class="desc">${panel.description}</p>
${body}
</section>`;
}

/** A chart's numbers: open in the static page, folded once the chart is drawn. */
const dataTable = (id: string, html: string): string =>
  `<details class="chart-data" open><summary>Data table</summary><div class="table-wrap" id="${id}">${html}</div></details>`;

export function panels(payload: Payload, parts: Record<string, string>): PanelSpec[] {
  const part = (id: string): string => parts[id] ?? '';
  const noSessions = payload.has.sessions ? null : 'No session data in this database.';
  return [
    {
      id: 'spend',
      wide: true,
      title: 'Spend over time',
      description: `<span id="spend-info">${part('spend-info')}</span>`,
      chart: 'chart-spend',
      body: dataTable('spend-table', part('spend-table')),
      note: payload.billing === null ? noSessions : null,
    },
    {
      id: 'acus-by-category',
      wide: true,
      title: 'ACUs by category',
      description: 'ACUs the sessions created in each period report, stacked by session category.',
      chart: 'chart-acus-by-category',
      body: dataTable('category-table', part('category-table')),
      note: noSessions,
    },
    {
      id: 'cost-by-outcome',
      title: 'Cost by outcome',
      description:
        'The ACUs sessions report, by what they came to: a merged pull request; failed or stopped (status error or suspended); a pull request not merged (yet); no pull request.',
      body: `<div class="table-wrap" id="outcome-table">${part('outcome-table')}</div>`,
      note: noSessions,
    },
    countPanel('sessions-by-status', 'Sessions by status', 'status-table', part('status-table'), noSessions),
    countPanel('sessions-by-origin', 'Sessions by origin', 'origin-table', part('origin-table'), noSessions),
    {
      id: 'pr-outcomes',
      wide: true,
      title: 'Pull-request outcomes over time',
      description: 'Pull requests opened by the sessions created in each period, by their current state.',
      chart: 'chart-pr-outcomes',
      body: dataTable('pr-table', part('pr-table')),
      note: noSessions,
    },
    countPanel(
      'session-sizes',
      'Session size distribution',
      'sizes-table',
      part('sizes-table'),
      noSessions ??
        (payload.has.insights
          ? null
          : 'Session sizes come from the sessions_insights stream, which has not been synced into this database.'),
    ),
    countPanel(
      'messages-per-session',
      'Messages per session',
      'messages-table',
      part('messages-table'),
      noSessions ??
        (payload.has.messages
          ? null
          : 'session_messages was not synced: it holds conversation text and is opt-in (add it with `devin-tap sync --streams ...,session_messages`).'),
    ),
    {
      id: 'people',
      wide: true,
      title: 'People',
      description: `<span id="people-info">${part('people-info')}</span>`,
      chart: 'chart-people',
      height: 420,
      body: `<div id="people-body">${part('people-body')}</div>`,
      note: noSessions !== null && payload.billingByUser === null ? noSessions : null,
    },
    {
      id: 'playbooks',
      wide: true,
      title: 'Playbooks',
      description:
        'Sessions started from each playbook: how many, their ACUs, and how many of their pull requests merged.',
      body: `<div class="table-wrap" id="playbooks-body">${part('playbooks-body')}</div>`,
      note: noSessions,
    },
  ];
}

function countPanel(
  id: string,
  title: string,
  tableId: string,
  table: string,
  note: string | null,
): PanelSpec {
  return {
    id,
    title,
    description: 'Number of sessions (share of the period in the table).',
    chart: `chart-${id}`,
    body: dataTable(tableId, table),
    note,
  };
}

export function sessionsPanel(payload: Payload, f: Figures): string {
  const headers = ENGINE.sessionHeaders(payload)
    .map(
      ([key, label], k) =>
        `<th scope="col"${k <= 5 ? ' class="text"' : ''} aria-sort="${key === 'created' && label === 'Created' ? 'descending' : 'none'}"><button type="button" data-sort="${key}">${escapeHtml(label)}</button></th>`,
    )
    .join('');
  const order = f.matched;
  const rows = ENGINE.sessionRows(ENGINE, payload, order, 0, 100);
  const count = `${ENGINE.fmtNumber(order.length)} sessions${order.length > 100 ? ' · the newest 100 shown' : ''}`;
  return `<section class="panel wide" id="sessions">
<h2>Sessions</h2>
<p class="desc">Every session in the period, newest first; each links to the session in Devin. Click a column to sort; search by title, id or user.</p>
<div class="table-tools"><input type="search" id="sessions-search" placeholder="Search sessions" aria-label="Search sessions">
<span id="sessions-count">${escapeHtml(count)}</span>
<span class="pager"><button type="button" id="sessions-prev">Previous</button><button type="button" id="sessions-next">Next</button></span></div>
<div class="table-wrap sessions-wrap"><table><thead><tr>${headers}</tr></thead>
<tbody id="sessions-body">${rows}</tbody></table></div>
</section>`;
}
