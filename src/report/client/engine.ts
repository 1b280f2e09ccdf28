/**
 * The report's engine: the pure client functions, callable in Node (the page's static render, tests)
 * and serialized into the page, where they run on the embedded data. Each function reaches the others
 * of its own file by name and the rest through the engine object `E`, so its source text runs as is.
 */
import { CARD_FUNCTIONS, renderCards } from './cards.js';
import { CHART_FUNCTIONS, chartSpecs } from './chart-specs.js';
import {
  counted,
  FIGURE_ROW_FUNCTIONS,
  outcomeRows,
  playbookRows,
  sizeRows,
  spendSeries,
} from './figure-rows.js';
import { computeView, FIGURE_FUNCTIONS } from './figures.js';
import { FORECAST_FUNCTIONS, monthForecast } from './forecast.js';
import {
  esc,
  FORMAT_FUNCTIONS,
  fmtAmount,
  fmtChange,
  fmtMoney,
  fmtNumber,
  fmtShare,
  htmlTable,
  plainText,
  userText,
} from './format.js';
import { PEOPLE_FUNCTIONS, peopleFigures } from './people.js';
import { dayText, PERIOD_FUNCTIONS, resolvePeriod, textDay } from './period.js';
import { RENDER_FUNCTIONS, renderParts } from './render.js';
import { RENDER_PEOPLE_FUNCTIONS, renderPeople, renderPlaybooks } from './render-people.js';
import { BILLING_FUNCTIONS, billedAcus, scanBilling } from './scan-billing.js';
import { SCAN_FUNCTIONS, scanSessions, sessionAcus } from './scan-sessions.js';
import {
  SESSIONS_TABLE_FUNCTIONS,
  sessionHeaders,
  sessionOrder,
  sessionRows,
  sessionUrl,
} from './sessions-table.js';
import { UNPACK_FUNCTIONS, unpackPayload } from './unpack.js';
import { WEEKLY_FUNCTIONS, weeklyCostPerPr } from './weekly.js';

export const ENGINE = {
  resolvePeriod,
  dayText,
  textDay,
  scanSessions,
  sessionAcus,
  scanBilling,
  billedAcus,
  peopleFigures,
  monthForecast,
  spendSeries,
  counted,
  sizeRows,
  playbookRows,
  outcomeRows,
  weeklyCostPerPr,
  computeView,
  esc,
  fmtNumber,
  fmtMoney,
  fmtShare,
  fmtChange,
  fmtAmount,
  htmlTable,
  plainText,
  userText,
  renderParts,
  renderCards,
  renderPeople,
  renderPlaybooks,
  chartSpecs,
  sessionOrder,
  sessionRows,
  sessionHeaders,
  sessionUrl,
  unpackPayload,
};

// biome-ignore lint/complexity/noBannedTypes: any function, serialized by its source text
const FUNCTIONS: Function[] = [
  ...PERIOD_FUNCTIONS,
  ...SCAN_FUNCTIONS,
  ...BILLING_FUNCTIONS,
  ...FIGURE_FUNCTIONS,
  ...FIGURE_ROW_FUNCTIONS,
  ...FORECAST_FUNCTIONS,
  ...PEOPLE_FUNCTIONS,
  ...FORMAT_FUNCTIONS,
  ...RENDER_FUNCTIONS,
  ...CARD_FUNCTIONS,
  ...RENDER_PEOPLE_FUNCTIONS,
  ...CHART_FUNCTIONS,
  ...SESSIONS_TABLE_FUNCTIONS,
  ...UNPACK_FUNCTIONS,
  ...WEEKLY_FUNCTIONS,
];

/** Script text declaring every engine function and `const E`, the object the functions call through. */
export function engineSource(): string {
  const names = FUNCTIONS.map((fn) => fn.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`two engine functions are called ${duplicate}`);
  const missing = Object.keys(ENGINE).find((name) => !names.includes(name));
  if (missing !== undefined) throw new Error(`engine function ${missing} is not serialized`);
  return `${FUNCTIONS.map((fn) => fn.toString()).join('\n')}\nconst E = { ${names.join(', ')} };`;
}
