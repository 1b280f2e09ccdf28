/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals, the
 * functions of this file and the engine `E`. HTML for the parts of the page that change with the view.
 */
import type { Payload } from '../payload.js';
import type { renderCards } from './cards.js';
import type { Counted, Figures, Series } from './figures.js';
import type {
  esc,
  fmtAmount,
  fmtChange,
  fmtMoney,
  fmtNumber,
  fmtShare,
  htmlTable,
  plainText,
  userText,
} from './format.js';
import type { dayText } from './period.js';
import type { renderPeople, renderPlaybooks } from './render-people.js';

export interface RenderEngine {
  esc: typeof esc;
  fmtNumber: typeof fmtNumber;
  fmtMoney: typeof fmtMoney;
  fmtShare: typeof fmtShare;
  fmtChange: typeof fmtChange;
  fmtAmount: typeof fmtAmount;
  htmlTable: typeof htmlTable;
  plainText: typeof plainText;
  userText: typeof userText;
  renderPeople: typeof renderPeople;
  renderPlaybooks: typeof renderPlaybooks;
  renderCards: typeof renderCards;
  dayText: typeof dayText;
}

export function seriesTable(
  E: RenderEngine,
  s: Series,
  first: string,
  unit: string,
  price: number | null,
): string {
  const headers = [
    first,
    ...s.series.map((x) => x.name),
    `Total ${unit}`,
    ...(price === null ? [] : ['Cost']),
  ];
  const rows = s.labels.map((label, i) => {
    const values = s.series.map((x) => x.values[i] ?? 0);
    const total = values.reduce((a, b) => a + b, 0);
    return [
      label,
      ...values.map(E.fmtNumber),
      E.fmtNumber(total),
      ...(price === null ? [] : [E.fmtMoney(total * price)]),
    ];
  });
  return E.htmlTable(headers, rows, `${unit} per ${first.toLowerCase()}`);
}

export function countTable(E: RenderEngine, rows: readonly Counted[], first: string): string {
  const total = rows.reduce((a, r) => a + r.count, 0);
  return E.htmlTable(
    [first, 'Sessions', 'Share'],
    rows.map((r) => [r.label, E.fmtNumber(r.count), E.fmtShare(total > 0 ? r.count / total : null)]),
    `Sessions per ${first.toLowerCase()}`,
  );
}

function bucketName(f: Figures): string {
  return f.period.granularity === 'day' ? 'Day' : f.period.granularity === 'week' ? 'Week starting' : 'Month';
}

function estimateReason(payload: Payload, f: Figures): string {
  if (payload.billing === null) return 'consumption_daily has not been synced';
  if (f.peopleBilled || payload.billingByUser === null) {
    return payload.billingByUser === null
      ? 'billing is per organization (consumption_by_user has not been synced) and origin, category and service users are not billed apart'
      : 'origin and category are not billed apart';
  }
  return 'origin, category and service users are not billed apart';
}

/** Inner HTML of every element that changes with the view, by element id. */
/** Sessions and their cost by outcome: what the money went to. */
function outcomeTable(E: RenderEngine, f: Figures): string {
  const unit = f.price === null ? 'ACUs' : 'Cost';
  const rows = f.outcomes.map((row) => [
    row.label,
    E.fmtNumber(row.sessions),
    E.fmtAmount(row.acus, f.price),
    E.fmtShare(row.share),
  ]);
  return E.htmlTable(
    ['Outcome', 'Sessions', `${unit} (sessions' ACUs)`, 'Share'],
    rows,
    `Cost by outcome, ${f.period.text}`,
  );
}

export function renderParts(E: RenderEngine, payload: Payload, f: Figures): Record<string, string> {
  const first = bucketName(f);
  const spendInfo =
    f.source === 'estimated'
      ? `Estimated from the ACUs each session reports (by the UTC day it was created): ${estimateReason(payload, f)}. One bar per ${f.period.granularity}.`
      : `Billed ACUs per billing day (a billing day starts at 08:00 UTC)${f.source === 'user' ? ' for the selected user' : ''}, one bar per ${f.period.granularity}, stacked by product.`;
  return {
    cards: E.renderCards(E, f),
    'spend-info': E.esc(spendInfo),
    'spend-table': seriesTable(E, f.spend, first, 'ACUs', f.price),
    'category-table': seriesTable(E, f.acusByCategory, first, 'ACUs', f.price),
    'pr-table': seriesTable(E, f.prsByState, first, 'pull requests', null),
    'status-table': countTable(E, f.status, 'Status'),
    'outcome-table': outcomeTable(E, f),
    'origin-table': countTable(E, f.origin, 'Origin'),
    'sizes-table': countTable(E, f.sizes, 'Session size'),
    'messages-table': countTable(E, f.messages, 'Messages'),
    'people-info': E.esc(
      f.peopleBilled
        ? 'Users by the ACUs billed to them (consumption_by_user), with their sessions and pull requests; service users apart.'
        : 'Users by the ACUs their sessions report, with their sessions and pull requests; service users apart.',
    ),
    'people-body': E.renderPeople(E, payload, f),
    'playbooks-body': E.renderPlaybooks(E, payload, f),
  };
}

export const RENDER_FUNCTIONS = [
  outcomeTable,
  seriesTable,
  countTable,
  bucketName,
  estimateReason,
  renderParts,
];
