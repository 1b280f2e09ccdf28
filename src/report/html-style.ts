/** The report's stylesheet: system fonts, light cards, readable tables; prints cleanly. */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #656d76; --line: #d8dee4; --bg: #f6f8fa; --card: #fff; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: #1f2937; color: #f9fafb; padding: 28px 32px 22px; }
header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
header .meta { margin: 0; color: #cbd5e1; font-size: 14px; }
main { max-width: 1440px; margin: 0 auto; padding: 24px 32px 40px; }
/* Eight cards: rows of four, or of two below 1024 px; never one alone on a row. */
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 16px; margin-bottom: 24px; }
.card, .panel, footer { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  box-shadow: 0 1px 2px rgba(0,0,0,0.04); }
.card { padding: 16px 20px; border-top: 4px solid var(--accent); }
.card .label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 30px; overflow-wrap: anywhere; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .hint { color: var(--muted); font-size: 13px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(520px, 100%), 1fr)); gap: 20px; }
.panel { padding: 18px 20px 14px; min-width: 0; }
.panel.wide { grid-column: 1 / -1; }
.panel h2, footer h2 { margin: 0 0 2px; font-size: 17px; font-weight: 650; }
.panel .desc { margin: 0 0 12px; color: var(--muted); font-size: 13px; }
.chart { position: relative; height: 300px; }
.note { margin: 0; padding: 28px 18px; text-align: center; color: var(--muted); background: var(--bg);
  border: 1px dashed var(--line); border-radius: 8px; }
details { margin-top: 10px; font-size: 13px; }
summary { cursor: pointer; color: var(--accent); }
.table-wrap { max-height: 320px; overflow: auto; margin-top: 8px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
/* Text left, numbers right. A name wraps between words (a long one anywhere) but keeps a readable width. */
th[scope="row"], thead th:first-child, th.text, td.text { text-align: left; }
th[scope="row"], td.text { font-weight: 500; white-space: normal; overflow-wrap: break-word; min-width: 9em; max-width: 24em; }
td.text { font-weight: 400; min-width: 6em; }
.scroll-x { overflow-x: auto; max-width: 100%; }
.adoption-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 0 20px; }
thead th { position: sticky; top: 0; background: var(--card); font-weight: 600; }
footer { margin-top: 24px; padding: 18px 20px; font-size: 13px; color: var(--muted); }
footer table { width: auto; min-width: 280px; margin: 8px 0 12px; color: var(--fg); }
.banner { margin: 0 0 24px; padding: 14px 18px; background: #fff8e1; border: 1px solid #f0d58c;
  border-radius: 10px; color: #5c4400; }
code { font: 0.92em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: rgba(0,0,0,0.05);
  padding: 1px 4px; border-radius: 4px; }
.missing { color: var(--muted); font-style: italic; }
.controls { display: none; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin: 0 0 14px;
  padding: 12px 16px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; font-size: 14px; }
.js .controls { display: flex; }
.controls select, .controls input, .table-tools input { font: inherit; padding: 3px 6px; }
.controls label { display: inline-flex; gap: 6px; align-items: center; max-width: 100%; min-width: 0; }
.controls select { min-width: 0; max-width: 100%; }
.period-text { color: var(--muted); margin-left: auto; }
.price-note { margin: 0 0 14px; color: var(--muted); font-size: 13px; }
.panel h3 { margin: 14px 0 4px; font-size: 14px; }
.share, .muted, .note-inline { font-size: 13px; color: var(--muted); margin: 8px 0 0; }
.note-inline { font-style: italic; }
caption { text-align: left; font-size: 12px; color: var(--muted); padding: 4px 0; }
td.empty { text-align: center; color: var(--muted); }
.table-tools { display: flex; gap: 12px; align-items: center; margin-bottom: 8px; font-size: 13px; }
.table-tools .pager { display: none; margin-left: auto; gap: 6px; }
.js .table-tools .pager { display: flex; }
.table-tools input { display: none; min-width: 260px; }
.js .table-tools input { display: inline-block; }
.sessions-wrap { max-height: 640px; }
#sessions table { font-size: 13px; }
#sessions thead button { all: unset; cursor: pointer; }
#sessions th[aria-sort="ascending"] button::after { content: " ▲"; }
#sessions th[aria-sort="descending"] button::after { content: " ▼"; }
#sessions th, #sessions td { padding: 4px 8px; }
#sessions tbody th { min-width: 12em; max-width: 300px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#sessions tbody td.text { min-width: 0; max-width: 180px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
@media (max-width: 1023px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media (max-width: 640px) { main { padding: 16px; } .grid { grid-template-columns: minmax(0, 1fr); }
  header { padding: 20px 16px 16px; } .cards { gap: 10px; } .card { padding: 12px 14px; } .card .value { font-size: 22px; }
  .panel { padding: 14px 12px 12px; } .table-tools { flex-wrap: wrap; } .table-tools input { min-width: 0; width: 100%; }
  .period-text { margin-left: 0; } th[scope="row"] { min-width: 8em; } }
@media print { body { background: #fff; } .panel, .card { break-inside: avoid; }
  .controls, .table-tools input, .table-tools .pager { display: none !important; }
  .table-wrap, .sessions-wrap { max-height: none; overflow: visible; }
  .grid { display: block; } .panel { margin-bottom: 16px; } .scroll-x { overflow: visible; }
  .chart canvas { max-width: 100% !important; } a { color: inherit; text-decoration: none; } }
`;
