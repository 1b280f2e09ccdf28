import { type ProgressSnapshot, readProgress } from '../io/progress-file.js';
import { errorMessage } from '../tap/errors.js';
import { type DatabaseStatus, databaseStatus } from './status.js';
import { statusTable } from './status-view.js';
import { textTable } from './text-table.js';

export interface StatusReport {
  json: Record<string, unknown>;
  text: string;
}

const minute = (iso: string) => iso.replace('T', ' ').replace(/:\d\dZ$/, '');

function runningText(progress: ProgressSnapshot, locked: boolean): string {
  const lines = Object.entries(progress.streams).map(([stream, counts]) => [
    stream,
    counts.records.toLocaleString('en-US'),
    counts.requests.toLocaleString('en-US'),
    counts.status,
  ]);
  const head =
    `a sync is running: pid ${progress.pid}, since ${minute(progress.startedAt)} UTC ` +
    `(as of ${progress.updatedAt.slice(11, 19)})`;
  const table = textTable(['stream', 'records read', 'requests', 'status'], lines, {
    right: new Set([1, 2]),
  });
  if (!locked) return `${head}\n${table}\n\ncommitted so far:\n`;
  const bookmarks = Object.entries(progress.bookmarks).map(([stream, at]) => [
    stream,
    at === null ? '-' : minute(at),
  ]);
  return (
    `${head}\n${table}\n\nthe database is locked by that sync; its bookmarks before the sync began:\n` +
    textTable(['stream', 'bookmark UTC'], bookmarks)
  );
}

/**
 * `devin-tap status`: the database's streams and last runs and, while a sync runs on it, that
 * sync's progress (from its progress file). A DuckDB file locked by the running sync shows the
 * progress and the bookmarks it started from, and says so.
 */
export async function statusReport(database: string, runs: number): Promise<StatusReport> {
  const progress = readProgress(database);
  let status: DatabaseStatus | null = null;
  try {
    status = await databaseStatus(database, runs);
  } catch (error) {
    if (progress === null || !/lock/i.test(errorMessage(error))) throw error;
  }
  const running = progress === null ? {} : { running: progress };
  const json = { database, ...running, ...(status ?? { locked: true }) };
  const committed = status === null ? '' : statusTable(status);
  const text = progress === null ? committed : `${runningText(progress, status === null)}${committed}`;
  return { json, text };
}
