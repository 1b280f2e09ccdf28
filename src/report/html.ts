/** Pure: the report's one self-contained HTML page from its data model. */
import { REPORT_CSS } from './html-style.js';
import type { Headline, ReportData } from './model.js';
import { buildSections, formatNumber, reportBanner, type Section, type Table } from './sections.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escaped text in which `code` spans (already escaped inside) become <code> elements. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

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

/** Inlined library code: only `</script` could end the element early; `<\/` means the same in JS text. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

// Nothing may be fetched: the policy blocks every network request, even one a library might try.
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const BOOT = `(() => {
  const specs = JSON.parse(document.getElementById('report-data').textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#444';
  window.reportCharts = specs.map((spec) => new Chart(document.getElementById(spec.id), spec.config));
})();`;

export function renderReport(data: ReportData, chartLibrary: string): string {
  const sections = buildSections(data);
  const banner = reportBanner(data);
  const charts = sections.flatMap((s) =>
    s.chart && !s.note ? [{ id: `chart-${s.id}`, config: s.chart }] : [],
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Devin usage report · ${escapeHtml(data.database)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Devin usage report</h1>
<p class="meta">${escapeHtml(subtitle(data))}</p>
</header>
<main>
${headlineCards(data.headline)}
${banner === null ? '' : `<p class="banner" role="status">${prose(banner)}</p>`}
<div class="grid">
${sections.map(renderSection).join('\n')}
</div>
${streamsFooter(data)}
</main>
<script type="application/json" id="report-data">${jsonForScript(charts)}</script>
<script>${inlineScript(chartLibrary)}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}

function subtitle(data: ReportData): string {
  const h = data.headline;
  const period = h?.firstDay && h.lastDay ? `sessions created ${h.firstDay} to ${h.lastDay}` : 'no sessions';
  const since = data.since ? ` (since ${data.since})` : '';
  const engine = data.dialect === 'duckdb' ? 'DuckDB' : 'SQLite';
  return `${data.database} (${engine}) · ${period}${since} · generated ${data.generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
}

function headlineCards(h: Headline | null): string {
  const dash = '–';
  const cards: [string, string, string][] = [
    ['Sessions', h ? formatNumber(h.sessions) : dash, 'created in the period'],
    ['ACUs consumed', h ? formatNumber(h.acus) : dash, 'Agent Compute Units, total'],
    [
      'Merge rate',
      h?.mergeRate === null || !h ? dash : `${Math.round(h.mergeRate * 100)}%`,
      h
        ? `${formatNumber(h.mergedPullRequests)} of ${formatNumber(h.pullRequests)} pull requests merged`
        : 'no pull requests',
    ],
    [
      'Median ACUs per session',
      h?.medianAcus === null || !h ? dash : formatNumber(h.medianAcus),
      'half of the sessions used less',
    ],
  ];
  return `<section class="cards" aria-label="Headline figures">
${cards
  .map(
    ([label, value, hint]) =>
      `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="hint">${escapeHtml(hint)}</div></div>`,
  )
  .join('\n')}
</section>`;
}

function renderSection(section: Section): string {
  const body = section.note
    ? `<p class="note">${prose(section.note)}</p>`
    : `<div class="chart"${section.height ? ` style="height: ${section.height}px"` : ''}><canvas id="chart-${section.id}" role="img" aria-label="${escapeHtml(section.title)}"></canvas></div>
${section.table ? renderTable(section.table) : ''}`;
  return `<section class="panel${section.wide ? ' wide' : ''}" id="${section.id}">
<h2>${escapeHtml(section.title)}</h2>
<p class="desc">${escapeHtml(section.description)}</p>
${body}
</section>`;
}

function renderTable(table: Table): string {
  const head = table.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = table.rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<details><summary>Data table</summary>
<div class="table-wrap"><table><thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div></details>`;
}

function streamsFooter(data: ReportData): string {
  const cells = data.streams
    .map(
      (s) =>
        `<tr><th scope="row">${escapeHtml(s.name)}</th><td>${
          s.rows === null ? '<span class="missing">not synced</span>' : escapeHtml(formatNumber(s.rows))
        }</td></tr>`,
    )
    .join('\n');
  return `<footer>
<h2>Data in this database</h2>
<table class="streams"><thead><tr><th scope="col">Stream</th><th scope="col">Rows</th></tr></thead>
<tbody>
${cells}
</tbody></table>
<p>Weeks are ISO weeks (Monday to Sunday, UTC) of the session's creation. Merge rate: merged pull requests
over all pull requests the sessions opened. Generated by devin-tap from the views session_facts, acu_by_week,
pr_outcomes and user_activity.</p>
</footer>`;
}
