import { errorMessage, TargetError } from '../tap/errors.js';
import { checkDatabasePath, removeCreatedFiles } from './database-file.js';
import { IN_USE, type Target, type TargetKind } from './target.js';
import { WatchedTarget } from './watched-target.js';

export interface OpenTargetOptions {
  /** SQLite: how long to wait for another writer's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /** Clock for `_extracted_at` defaults and `updated_at` (epoch ms). */
  now?: () => number;
  /** DuckDB memory_limit (checked with parseMemoryLimit); default: a share of the machine's memory. */
  memoryLimit?: string;
}

/**
 * Opens (creating when missing) a DuckDB or SQLite database. A locked, unwritable or foreign file
 * fails with a TargetError naming the path; a file this call created is removed when it fails.
 */
export async function openTarget(
  kind: TargetKind,
  path: string,
  options: OpenTargetOptions = {},
): Promise<Target> {
  const existed = checkDatabasePath(kind, path);
  try {
    // Each engine is loaded when used: DuckDB's library alone maps tens of MB a SQLite sync never needs.
    const target =
      kind === 'duckdb'
        ? await (await import('./duckdb/target.js')).DuckdbTarget.create(path, options)
        : (await import('./sqlite/target.js')).SqliteTarget.create(path, options);
    try {
      return new WatchedTarget(target);
    } catch (error) {
      await target.close();
      throw error;
    }
  } catch (error) {
    // A file another process holds is its file, even when it appeared just now.
    if (!existed && !errorMessage(error).includes(IN_USE)) removeCreatedFiles(path);
    if (error instanceof TargetError) throw error;
    throw new TargetError(`cannot open ${path}: ${errorMessage(error)}`);
  }
}
