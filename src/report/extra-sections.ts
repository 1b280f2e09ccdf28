/**
 * Pure: the panels drawn from the extras (extra-payload.ts) and the trends: billing cycle, spend by
 * organization and repository, cost per merged PR per week, adoption, failing schedules. They are
 * static: they describe the window they name, whatever the period and filters chosen in the page.
 */
import { ENGINE as E } from './client/engine.js';
import type { Extras, SpendRow } from './extra-payload.js';
import { escapeHtml } from './html-escape.js';
import type { PanelSpec } from './page-sections.js';
import type { Payload } from './payload.js';
import { adoption, type Grain, weeklyCostPerPr } from './trends.js';

const table = (html: string) => `<div class="table-wrap">${html}</div>`;
/** A chart's numbers: open in the static page, folded once the chart is drawn (as page-sections does). */
const chartTable = (html: string) =>
  `<details class="chart-data" open><summary>Data table</summary><div class="table-wrap">${html}</div></details>`;
const per = (part: number, whole: number): string => (whole > 0 ? E.fmtNumber(part / whole) : '–');

function cyclePanel(extras: Extras, price: number | null): PanelSpec | null {
  const c = extras.cycle;
  if (c === null) return null;
  const unit = price === null ? 'ACUs' : 'USD';
  const rows = c.rows.map((row) => [
    row.name,
    E.fmtAmount(row.limit, price),
    E.fmtAmount(row.acus, price),
    E.fmtShare(row.limit === null || row.limit <= 0 ? null : row.acus / row.limit),
    E.fmtAmount(row.projected, price),
    E.fmtShare(
      row.limit === null || row.limit <= 0 || row.projected === null ? null : row.projected / row.limit,
    ),
  ]);
  const when = `${E.dayText(c.startDay)} to ${E.dayText(c.lastDay)}`;
  return {
    id: 'billing-cycle',
    wide: true,
    title: 'Billing cycle to date',
    description: escapeHtml(
      `The current billing cycle, ${when}: ${E.fmtNumber(c.elapsedDays)} of ${E.fmtNumber(c.cycleDays)} days billed. ` +
        'Each limit is the acu_limits row of its scope (an organization without one: its max_cycle_acu_limit). ' +
        "Projected: the cycle's average daily rate so far, over the days left.",
    ),
    body: table(
      E.htmlTable(
        ['Scope', `Limit (${unit})`, `Spent (${unit})`, 'Burn', `Projected (${unit})`, 'Projected burn'],
        rows,
        `Billing cycle ${when}`,
      ),
    ),
  };
}

function spendTable(rows: readonly SpendRow[], first: string, price: number | null, caption: string): string {
  const total = rows.reduce((sum, row) => sum + row.acus, 0);
  const unit = price === null ? 'ACUs' : 'Cost';
  return E.htmlTable(
    [first, 'Sessions', 'Merged PRs', unit, 'Share'],
    rows.map((row) => [
      row.label,
      row.sessions === null ? '–' : E.fmtNumber(row.sessions),
      row.merged === null ? '–' : E.fmtNumber(row.merged),
      E.fmtAmount(row.acus, price),
      E.fmtShare(total > 0 ? row.acus / total : null),
    ]),
    caption,
  );
}

function spendPanels(extras: Extras, price: number | null, windowText: string): PanelSpec[] {
  const panels: PanelSpec[] = [];
  if (extras.orgSpend !== null)
    panels.push({
      id: 'org-spend',
      title: 'Spend by organization',
      description: escapeHtml(
        `Billed ACUs per organization (consumption_by_org), ${windowText}, and the share no organization owns (the enterprise total less the organizations: Cascade and Terminal are billed to none).`,
      ),
      body: table(spendTable(extras.orgSpend, 'Organization', price, `By organization, ${windowText}`)),
    });
  if (extras.repoSpend !== null)
    panels.push({
      id: 'repo-spend',
      title: 'Spend by repository',
      description: escapeHtml(
        `The ACUs sessions created ${windowText} report, by the repository of their pull requests (a session with pull requests in several repositories is split evenly).`,
      ),
      body: table(
        spendTable(extras.repoSpend.slice(0, 50), 'Repository', price, `By repository, ${windowText}`),
      ),
    });
  return panels;
}

function trendPanel(payload: Payload, price: number | null): PanelSpec {
  const weeks = weeklyCostPerPr(payload).reverse();
  const unit = price === null ? 'ACUs' : 'Cost';
  return {
    id: 'cost-per-pr-trend',
    wide: true,
    chart: 'chart-cost-per-pr',
    title: `${unit} per merged PR by week`,
    description: escapeHtml(
      'Billed ACUs of each ISO week over the merged pull requests of the sessions created that week, for the weeks both billing and sessions cover; a week they cover only in part is marked partial.',
    ),
    body: chartTable(
      E.htmlTable(
        ['Week starting', `Billed (${unit})`, 'Merged PRs', `${unit} per merged PR`],
        weeks.map((w) => [
          `${E.dayText(w.week)}${w.partial ? ' (partial)' : ''}`,
          E.fmtAmount(w.billedAcus, price),
          E.fmtNumber(w.merged),
          E.fmtAmount(w.perMergedPr, price),
        ]),
        `${unit} per merged PR by week`,
      ),
    ),
    note: weeks.length === 0 ? 'Needs billed ACUs (consumption_daily) and sessions over common days.' : null,
  };
}

const GRAINS: [Grain, number, string][] = [
  ['day', 7, 'Day'],
  ['week', 8, 'Week starting'],
  ['month', 6, 'Month'],
];

function adoptionPanel(payload: Payload, extras: Extras): PanelSpec {
  const metrics = extras.activeUsers;
  const source =
    metrics === null
      ? 'Derived from sessions (metrics_active_users not synced): users with a session that day, week or month.'
      : "The API's daily, weekly and monthly active users (metrics_active_users); sessions and merged PRs from the synced sessions.";
  const tables = GRAINS.map(([grain, count, label]) => {
    const rows = adoption(payload, grain, count, metrics).map((row) => [
      `${grain === 'month' ? E.dayText(row.start).slice(0, 7) : E.dayText(row.start)}${row.partial ? ' (partial)' : ''}`,
      E.fmtNumber(row.activeUsers),
      E.fmtNumber(row.sessions),
      E.fmtNumber(row.merged),
      per(row.sessions, row.activeUsers),
      per(row.merged, row.activeUsers),
    ]);
    const headers = [
      label,
      'Active users',
      'Sessions',
      'Merged PRs',
      'Sessions per user',
      'Merged PRs per user',
    ];
    return `<div><h3>Per ${grain}</h3>${table(E.htmlTable(headers, rows, `Active users per ${grain}`))}</div>`;
  });
  return {
    id: 'adoption',
    wide: true,
    title: metrics === null ? 'Adoption (derived from sessions)' : 'Adoption',
    description: escapeHtml(source),
    body: `<div class="adoption-grid">${tables.join('\n')}</div>`,
    note: payload.has.sessions || metrics !== null ? null : 'No sessions or metrics in this database.',
  };
}

function schedulesPanel(extras: Extras): PanelSpec | null {
  const failing = extras.failingSchedules;
  if (failing === null) return null;
  return {
    id: 'failing-schedules',
    title: 'Schedules that keep failing',
    description: 'Scheduled sessions whose last runs failed in a row (schedules.consecutive_failures).',
    body: table(
      E.htmlTable(
        ['Schedule', 'Failures in a row', 'Last error at', 'Last error'],
        failing.map((s) => [
          s.name,
          E.fmtNumber(s.failures),
          s.lastErrorAt === null ? '–' : `${s.lastErrorAt.slice(0, 16).replace('T', ' ')} UTC`,
          s.lastError ?? '–',
        ]),
        'Failing schedules',
      ),
    ),
  };
}

/** The extra panels, in page order (those without data left out). */
export function extraPanels(payload: Payload, extras: Extras, windowText: string): PanelSpec[] {
  const price = payload.meta.price;
  return [
    cyclePanel(extras, price),
    ...spendPanels(extras, price, windowText),
    trendPanel(payload, price),
    adoptionPanel(payload, extras),
    schedulesPanel(extras),
  ].filter((panel): panel is PanelSpec => panel !== null);
}
