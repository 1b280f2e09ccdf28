/** Pure: the report's one self-contained HTML page, statically rendered for its initial view. */

import { BOOT_SCRIPT } from './boot-script.js';
import { ENGINE, engineSource } from './client/engine.js';
import type { Figures } from './client/figures.js';
import type { Extras } from './extra-payload.js';
import { extraPanels } from './extra-sections.js';
import { escapeHtml, prose } from './html-escape.js';
import { REPORT_CSS } from './html-style.js';
import type { StreamCount } from './load-payload.js';
import { encodePayload, redactKeys } from './pack.js';
import { panels, renderPanel, sessionsPanel } from './page-sections.js';
import type { Payload, ViewChoice } from './payload.js';
import { reportSummary } from './summary.js';

export { escapeHtml } from './html-escape.js';

/**
 * JSON for a <script> element: `<` (so no `</script>` or `<!--` can end or confuse the element) and the
 * line separators JavaScript once treated as newlines are escaped; JSON.parse gives the same value back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Inlined code: only `</script` could end the element early; `<\/` means the same in JS text. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

// Nothing may be fetched: the policy blocks every network request, even one a library might try.
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export const INITIAL_VIEW: ViewChoice = {
  period: '30',
  from: null,
  to: null,
  actor: -1,
  origin: -1,
  category: -1,
};

export function renderReport(
  payload: Payload,
  streams: readonly StreamCount[],
  chartLibrary: string,
  period: ViewChoice['period'] = INITIAL_VIEW.period,
  extras: Extras | null = null,
): string {
  const figures = ENGINE.computeView(ENGINE, payload, { ...INITIAL_VIEW, period });
  const parts = ENGINE.renderParts(ENGINE, payload, figures);
  const banner = bannerText(payload);
  return redactKeys(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Devin usage report · ${escapeHtml(payload.meta.database)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Devin usage report</h1>
<p class="meta">${escapeHtml(subtitle(payload))}</p>
<p class="meta" id="last-synced">${escapeHtml(syncedText(streams))}</p>
</header>
<main>
${controls(figures, period)}
${payload.meta.price === null ? `<p class="price-note">${prose('Figures are in ACUs: no price per ACU was given. Add one with `devin-tap report --acu-price USD` (or `acu_price_usd` in a config file given with `--config`) to see dollars.')}</p>` : `<p class="price-note">${escapeHtml(`Costs at ${ENGINE.fmtMoney(payload.meta.price)} per ACU.`)}</p>`}
<section class="cards" id="cards" aria-label="Headline figures">
${parts.cards ?? ''}
</section>
${banner === null ? '' : `<p class="banner" role="status">${prose(banner)}</p>`}
<div class="grid">
${panels(payload, parts).map(renderPanel).join('\n')}
${extras === null ? '' : extraPanels(payload, extras, figures.period.text).map(renderPanel).join('\n')}
${sessionsPanel(payload, figures)}
</div>
${streamsFooter(streams)}
</main>
<script type="application/json" id="devin-tap-summary">${jsonForScript(reportSummary(figures, streams))}</script>
<script type="application/gzip;base64" id="report-data">${encodePayload(payload)}</script>
<script>${inlineScript(chartLibrary)}</script>
<script>${inlineScript(engineSource())}
${BOOT_SCRIPT}</script>
</body>
</html>
`);
}

function controls(f: Figures, period: ViewChoice['period']): string {
  const option = (value: string, label: string): string =>
    `<option value="${value}"${value === period ? ' selected' : ''}>${label}</option>`;
  return `<section class="controls" aria-label="Period and filters">
<label>Period <select id="period">${[
    option('all', 'Everything in this file'),
    option('7', 'Last 7 days'),
    option('30', 'Last 30 days'),
    option('90', 'Last 90 days'),
    option('mtd', 'Month to date'),
    option('custom', 'Custom dates'),
  ].join('')}</select></label>
<span id="custom-dates" hidden><input type="date" id="period-from" aria-label="From"> to <input type="date" id="period-to" aria-label="To"></span>
<label>User <select id="filter-user"><option value="-1">All users</option></select></label>
<label>Origin <select id="filter-origin"><option value="-1">All origins</option></select></label>
<label>Category <select id="filter-category"><option value="-1">All categories</option></select></label>
<span class="period-text">Showing <span id="period-text">${escapeHtml(f.period.text)}</span></span>
</section>`;
}

function subtitle(payload: Payload): string {
  const m = payload.meta;
  const range =
    m.firstDay === null || m.lastDay === null
      ? 'no data'
      : `data from ${ENGINE.dayText(m.firstDay)} to ${ENGINE.dayText(m.lastDay)}`;
  const bounds = [m.since ? `since ${m.since}` : '', m.until ? `until ${m.until}` : ''].filter(
    (b) => b !== '',
  );
  const bounded = bounds.length > 0 ? ` (${bounds.join(', ')})` : '';
  return `${m.database} (${m.engine}) · ${range}${bounded} · generated ${m.generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
}

/** When the data was last synced: the oldest and newest stream's last commit (each in the footer). */
function syncedText(streams: readonly StreamCount[]): string {
  const times = streams.flatMap((s) => (s.lastSynced === null ? [] : [s.lastSynced])).sort();
  const shown = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  const [oldest, newest] = [times[0], times.at(-1)];
  if (oldest === undefined || newest === undefined)
    return 'Last synced: unknown (no sync state in this database)';
  if (oldest === newest) return `Last synced ${shown(newest)}`;
  return `Last synced ${shown(newest)}; the oldest stream ${shown(oldest)} (each stream below)`;
}

function bannerText(payload: Payload): string | null {
  if (!payload.has.sessions) {
    return 'No session data: neither sessions nor sessions_insights has been synced into this database. Run `devin-tap sync` first.';
  }
  if (payload.sessions.id.length > 0) return null;
  const bounds = [
    payload.meta.since ? `on or after ${payload.meta.since}` : '',
    payload.meta.until ? `on or before ${payload.meta.until}` : '',
  ]
    .filter((b) => b !== '')
    .join(' and ');
  return bounds ? `No sessions created ${bounds}.` : 'The sessions table is empty.';
}

function streamsFooter(streams: readonly StreamCount[]): string {
  const cells = streams
    .map(
      (s) =>
        `<tr><th scope="row">${escapeHtml(s.name)}</th><td>${
          s.rows === null ? '<span class="missing">not synced</span>' : escapeHtml(ENGINE.fmtNumber(s.rows))
        }</td><td>${escapeHtml(s.lastSynced === null ? '-' : `${s.lastSynced.slice(0, 16).replace('T', ' ')} UTC`)}</td></tr>`,
    )
    .join('\n');
  return `<footer>
<h2>Data in this database</h2>
<div class="scroll-x"><table class="streams"><thead><tr><th scope="col">Stream</th><th scope="col">Rows</th><th scope="col">Last synced</th></tr></thead>
<tbody>
${cells}
</tbody></table></div>
<p>Session days are UTC days of creation; billing days start at 08:00 UTC and carry their date. Weeks are ISO
weeks (Monday to Sunday). Merge rate: merged pull requests over all pull requests the sessions opened. Active
users: users with a session (or billed ACUs) in the period. Presets (last 7/30/90 days) end on the last day
with data. Generated by devin-tap from session_facts and the synced tables.</p>
</footer>`;
}
