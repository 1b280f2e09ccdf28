import { totalmem } from 'node:os';
import { TargetError } from '../../tap/errors.js';

const MB = 1024 * 1024;
/** Enough for a 50 MB value and a table of 1,000 columns (each column pins its own 256 KB blocks). */
export const MIN_DEFAULT_MB = 512;
/** More buys nothing for batches of at most 16 MB and leaves the machine to everything else. */
export const MAX_DEFAULT_MB = 4096;

/** DuckDB's own spelling: a number and a unit (KB, MB, GB, TB; KiB, MiB, GiB, TiB). */
const LIMIT_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i;
export const MEMORY_LIMIT_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([KMGT]i?B|[kmgt]i?b)\\s*$';

/** The memory of this machine or container (cgroup limit when there is one), in bytes. */
function availableMemory(): number {
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  const total = totalmem();
  return constrained && constrained > 0 && constrained < total ? constrained : total;
}

/**
 * The default memory_limit for this machine: a quarter of its memory, at least 512 MB (a 50 MB
 * message, a 1,000-property schema) and at most 4 GB. Beyond it DuckDB spills to the temp directory,
 * but not the tables' primary-key indexes: an upsert keeps each one in memory, and session_messages'
 * grows with the organization (256MB ran out at 200,000 sessions, 4.4 million messages).
 */
export function defaultMemoryLimit(memory: number = availableMemory()): string {
  const quarter = Math.floor(memory / 4 / MB);
  return `${Math.min(MAX_DEFAULT_MB, Math.max(MIN_DEFAULT_MB, quarter))}MB`;
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
