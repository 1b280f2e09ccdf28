import { totalmem } from 'node:os';
import { TargetError } from '../../tap/errors.js';

const MB = 1024 * 1024;
/**
 * What the writer needs: one staged batch (at most 16 MB of rows), the upsert's join and the key
 * index pages it touches. Table and index pages beyond it are written out or spilled to
 * `<database>.tmp`, so the memory of a sync does not grow with the organization.
 */
export const WRITER_MB = 256;

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
 * The default memory_limit: what the writer needs (WRITER_MB), or a quarter of a smaller machine or
 * container (at least 64 MB). Beyond it DuckDB spills to the temp directory; a bigger limit only
 * keeps more table pages cached.
 */
export function defaultMemoryLimit(memory: number = availableMemory()): string {
  return `${Math.max(64, Math.min(WRITER_MB, Math.floor(memory / 4 / MB)))}MB`;
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
