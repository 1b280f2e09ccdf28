import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../tap/errors.js';
import { chartLibrarySource } from './chart-library.js';
import { openReadOnly } from './database.js';
import { renderReport } from './html.js';
import type { ReportData } from './model.js';
import { parseSince } from './model.js';
import { loadReportData } from './queries.js';

export interface ReportOptions {
  database: string;
  out: string;
  /** YYYY-MM-DD: only sessions created on or after this day (UTC). */
  since?: string;
  now?: Date;
}

/** Reads a database written by `sync` (never writing to it) and writes the HTML report to `out`. */
export async function writeReport(options: ReportOptions): Promise<ReportData> {
  const since = options.since === undefined ? null : checkedSince(options.since);
  const db = await openReadOnly(options.database);
  let data: ReportData;
  try {
    data = await loadReportData(db, {
      database: basename(options.database),
      since,
      now: options.now ?? new Date(),
    });
  } finally {
    db.close();
  }
  await writeFile(options.out, renderReport(data, chartLibrarySource()), 'utf8');
  return data;
}

function checkedSince(text: string): { text: string; epochSeconds: number } {
  const epochSeconds = parseSince(text);
  if (epochSeconds === null) throw new InputError(`--since must be a date as YYYY-MM-DD, got "${text}"`);
  return { text, epochSeconds };
}
