import { totalmem } from 'node:os';
import { TargetError } from '../../tap/errors.js';
import { isEncoded, type WriteRows } from '../row-batch.js';

const MB = 1024 * 1024;
/**
 * What a sync needs when its batches are small (page-sized rows, tens of columns): DuckDB keeps
 * blocks cached up to its limit, so a larger default only makes the process larger.
 */
export const BASE_LIMIT_MB = 64;
/** The most a batch may raise the limit to, whatever the machine. */
export const MAX_DEFAULT_MB = 4096;
/** Each column of a table being appended to pins a block of 256 KB, in the staging copy and the table. */
const COLUMN_MB = 0.5;
/** A batch's text is held as staged strings and as the table's new segment. */
const COPIES_OF_BATCH = 2;

/** DuckDB's own spelling: a number and a unit (KB, MB, GB, TB; KiB, MiB, GiB, TiB). */
const LIMIT_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i;
export const MEMORY_LIMIT_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([KMGT]i?B|[kmgt]i?b)\\s*$';

/** The memory of this machine or container (cgroup limit when there is one), in bytes. */
function availableMemory(): number {
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  const total = totalmem();
  return constrained && constrained > 0 && constrained < total ? constrained : total;
}

/** The ceiling a batch may raise the limit to on this machine: a quarter of it, 512 MB to 4 GB. */
export function machineCeilingMb(memory: number = availableMemory()): number {
  return Math.min(MAX_DEFAULT_MB, Math.max(512, Math.floor(memory / 4 / MB)));
}

/**
 * The limit one batch needs (MB): the base, or more for a batch of large values or many columns (a
 * 50 MB message, a 1,000-property schema), up to the machine's ceiling. Beyond the base, DuckDB
 * spills to the temp directory; without a user's limit the target raises it for such a batch only.
 */
export function batchLimitMb(batchBytes: number, columns: number, ceilingMb: number): number {
  const needed = 32 + COPIES_OF_BATCH * (batchBytes / MB) + COLUMN_MB * columns;
  return Math.min(ceilingMb, Math.max(BASE_LIMIT_MB, Math.ceil(needed / 16) * 16));
}

/** The bytes of a batch's JSON text: exact for encoded rows, measured for objects. */
export function writeRowsBytes(rows: WriteRows): number {
  if (!isEncoded(rows)) return rows.reduce((sum, row) => sum + Buffer.byteLength(JSON.stringify(row)), 0);
  let bytes = 0;
  let row = 0;
  for (const count of rows.chunkRows) {
    row += count;
    if (count > 0) bytes += rows.ends[row - 1] ?? 0;
  }
  return bytes;
}

/** The default memory_limit a database is opened with (raised per batch as batchLimitMb says). */
export function defaultMemoryLimit(): string {
  return `${BASE_LIMIT_MB}MB`;
}

/** Checks a user's limit (`--memory-limit`, `duckdb_memory_limit`); returns DuckDB's spelling. */
export function parseMemoryLimit(text: string, source: string): string {
  const match = LIMIT_PATTERN.exec(text);
  if (!match) {
    throw new TargetError(`${source} must be a size such as 512MB or 2GB (got ${JSON.stringify(text)})`);
  }
  const [, amount, unit] = match;
  const bytes = Number(amount) * unitBytes(unit ?? 'MB');
  if (bytes < 64_000_000) throw new TargetError(`${source} must be at least 64MB (got ${text.trim()})`);
  return `${amount}${unit}`;
}

function unitBytes(unit: string): number {
  const power = 'KMGT'.indexOf(unit.charAt(0).toUpperCase()) + 1;
  return (unit.toLowerCase().includes('i') ? 1024 : 1000) ** power;
}
