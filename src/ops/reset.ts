import { existsSync } from 'node:fs';
import { openReadOnly } from '../report/database.js';
import { InputError } from '../tap/errors.js';
import { isJsonObject, parseJson } from '../tap/json.js';
import { openTarget } from '../targets/open-target.js';
import { quoteIdent } from '../targets/table-layout.js';
import { REFRESH_PREFIX, SINGER_STATE_KEY, STATE_TABLE, type TargetKind } from '../targets/target.js';
import { REJECTED_TABLE } from './status.js';

export interface ResetPlan {
  database: string;
  kind: TargetKind;
  streams: readonly string[];
  dropRows: boolean;
}

export interface ResetResult {
  streams: string[];
  /** Rows deleted per stream (with --drop-rows), from the counts just before the reset. */
  rowsDeleted: Record<string, number>;
}

const quoteText = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function rowCounts(path: string, streams: readonly string[]): Promise<Record<string, number>> {
  const db = await openReadOnly(path);
  try {
    const tables = await db.tables();
    const counts: Record<string, number> = {};
    for (const stream of streams) {
      if (!tables.has(stream)) continue;
      counts[stream] = Number((await db.all(`SELECT count(*) AS n FROM ${quoteIdent(stream)}`))[0]?.n ?? 0);
    }
    return counts;
  } finally {
    db.close();
  }
}

/**
 * The statement that removes the streams' bookmarks from the Singer STATE `load` stored, or null
 * when it holds none of them.
 */
async function singerReset(path: string, streams: readonly string[]): Promise<string | null> {
  const db = await openReadOnly(path);
  try {
    if (!(await db.tables()).has(STATE_TABLE)) return null;
    const key = quoteText(SINGER_STATE_KEY);
    const [row] = await db.all(
      `SELECT CAST(state AS TEXT) AS state FROM ${STATE_TABLE} WHERE stream = ${key}`,
    );
    if (row === undefined) return null;
    const state = parseJson(String(row.state));
    if (!isJsonObject(state) || !isJsonObject(state.bookmarks)) return null;
    const bookmarks = { ...state.bookmarks };
    if (!streams.some((stream) => stream in bookmarks)) return null;
    for (const stream of streams) delete bookmarks[stream];
    const text = quoteText(JSON.stringify({ ...state, bookmarks }));
    return `UPDATE ${STATE_TABLE} SET state = ${text} WHERE stream = ${key}`;
  } finally {
    db.close();
  }
}

/**
 * Clears the streams' state, also their bookmarks in the Singer state `load` keeps (the next sync
 * reads them from the start), drops any interrupted full
 * refresh of them and, with `dropRows`, deletes their rows and rejected rows: all in one transaction.
 */
export async function resetStreams(plan: ResetPlan): Promise<ResetResult> {
  if (!existsSync(plan.database)) throw new InputError(`no database at ${plan.database}: nothing to reset`);
  const rowsDeleted = plan.dropRows ? await rowCounts(plan.database, plan.streams) : {};
  const singer = await singerReset(plan.database, plan.streams);
  const target = await openTarget(plan.kind, plan.database);
  try {
    const tables = await target.tableNames();
    const list = plan.streams.map(quoteText).join(', ');
    const statements = [`DELETE FROM ${STATE_TABLE} WHERE stream IN (${list})`];
    if (singer !== null) statements.push(singer);
    for (const stream of plan.streams) {
      if (tables.has(REFRESH_PREFIX + stream))
        statements.push(`DROP TABLE ${quoteIdent(REFRESH_PREFIX + stream)}`);
      if (plan.dropRows && tables.has(stream)) statements.push(`DELETE FROM ${quoteIdent(stream)}`);
    }
    if (plan.dropRows && tables.has(REJECTED_TABLE))
      statements.push(`DELETE FROM ${REJECTED_TABLE} WHERE stream IN (${list})`);
    await target.execute(statements);
  } finally {
    await target.close();
  }
  return { streams: [...plan.streams], rowsDeleted };
}
