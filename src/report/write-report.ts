import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../tap/errors.js';
import { chartLibrarySource } from './chart-library.js';
import { ENGINE } from './client/engine.js';
import { openReadOnly } from './database.js';
import { cycleCard, loadExtras } from './extra-payload.js';
import { INITIAL_VIEW, renderReport } from './html.js';
import { loadPayload, streamCounts } from './load-payload.js';
import type { Payload } from './payload.js';
import { checkedDay, checkedPeriod, resolveBudget, resolvePrice } from './report-options.js';

export interface ReportOptions {
  database: string;
  out: string;
  /** YYYY-MM-DD: only data on or after this day (UTC) is embedded. */
  since?: string;
  /** YYYY-MM-DD: only data on or before this day (UTC) is embedded. */
  until?: string;
  /** USD per ACU, as given on the command line (wins over the config files). */
  acuPrice?: string;
  /** Config files that may set acu_price_usd. */
  configPaths?: readonly string[];
  /** The view the page opens on (and its summary describes): last-30-days by default. */
  period?: string;
  /** A monthly budget in US dollars, compared with the month's forecast. */
  budgetUsd?: string;
  now?: Date;
}

/** Reads a database written by `sync` (never writing to it) and writes the HTML report to `out`. */
export async function writeReport(options: ReportOptions): Promise<Payload> {
  const sinceDay = options.since === undefined ? null : checkedDay('--since', options.since);
  const untilDay = options.until === undefined ? null : checkedDay('--until', options.until);
  if (sinceDay !== null && untilDay !== null && untilDay < sinceDay) {
    throw new InputError(`--until (${options.until}) is before --since (${options.since})`);
  }
  const price = resolvePrice(options.acuPrice, options.configPaths ?? []);
  const period = checkedPeriod(options.period ?? 'last-30-days');
  const budgetUsd = resolveBudget(options.budgetUsd, options.configPaths ?? []);
  const db = await openReadOnly(options.database);
  let html: string;
  let payload: Payload;
  try {
    payload = await loadPayload(db, {
      database: basename(options.database),
      bounds: { sinceDay, untilDay },
      since: options.since ?? null,
      until: options.until ?? null,
      price,
      budgetUsd,
      now: options.now ?? new Date(),
    });
    const opening = ENGINE.resolvePeriod(payload.meta, { ...INITIAL_VIEW, period });
    const window =
      opening.start === null || opening.end === null ? null : { start: opening.start, end: opening.end };
    const extras = await loadExtras(db, await db.tables(), window);
    payload.meta.cycle = cycleCard(extras);
    html = renderReport(payload, await streamCounts(db), chartLibrarySource(), period, extras);
  } finally {
    db.close();
  }
  await writeFile(options.out, html, 'utf8');
  return payload;
}
