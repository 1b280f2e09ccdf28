import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isJsonObject, parseJson } from '../tap/json.js';

/**
 * `<database>.progress.json`: how far a running sync has come, for `status`, `query` and `report`
 * while the sync holds the database (DuckDB lets no other process open it). Written atomically
 * (a whole new file renamed over the old one), removed when the sync ends.
 */
export interface ProgressSnapshot {
  command: 'sync';
  pid: number;
  /** ISO date-times, UTC. */
  startedAt: string;
  updatedAt: string;
  /** Per stream: records read so far, requests made, and how the stream stands. */
  streams: Record<string, { records: number; requests: number; status: string }>;
  /** Per stream: the bookmark committed before this sync began (ISO, UTC), or null. */
  bookmarks: Record<string, string | null>;
}

export const progressPath = (database: string) => `${database}.progress.json`;

export function writeProgress(database: string, snapshot: ProgressSnapshot): void {
  const path = progressPath(database);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(snapshot)}\n`);
  renameSync(temporary, path);
}

export function removeProgress(database: string): void {
  rmSync(progressPath(database), { force: true });
}

/** Whether a process with this id runs (on this machine). */
export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The progress of the sync running on `database`, or null (none, unreadable, or its process gone). */
export function readProgress(database: string): ProgressSnapshot | null {
  let value: unknown;
  try {
    value = parseJson(readFileSync(progressPath(database), 'utf8'));
  } catch {
    return null;
  }
  if (!isJsonObject(value) || typeof value.pid !== 'number' || !Number.isInteger(value.pid)) return null;
  if (!isJsonObject(value.streams) || typeof value.startedAt !== 'string') return null;
  return alive(value.pid) ? (value as unknown as ProgressSnapshot) : null;
}

/** Who holds a locked database: the running sync's progress file says, else a question. */
export function lockHint(path: string, what: 'query' | 'report on'): string {
  const progress = readProgress(path);
  if (progress === null) return ' (is a sync still writing to it?)';
  return (
    ` (devin-tap ${progress.command}, pid ${progress.pid}, has held it since ${progress.startedAt}; ` +
    `${what} it when the sync ends, \`devin-tap status\` shows how far it is)`
  );
}
