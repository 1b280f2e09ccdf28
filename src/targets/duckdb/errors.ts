import { errorMessage, TargetError } from '../../tap/errors.js';
import { IN_USE } from '../target.js';

/**
 * Turns a DuckDB error into a TargetError naming the database file. Running out of memory says how
 * to get out: nothing past the last checkpoint was committed, so a rerun with more resumes there.
 */
export function duckdbError(path: string, error: unknown, memoryLimit?: string): TargetError {
  if (error instanceof TargetError) return error;
  const message = errorMessage(error);
  const text = /Could not set lock on file/i.test(message)
    ? `database ${path} ${IN_USE} (DuckDB allows one process to open a database for writing)`
    : /not a valid DuckDB database file/i.test(message)
      ? `${path} is not a DuckDB database`
      : /Out of Memory Error|could not allocate block/i.test(message)
        ? `database ${path}: DuckDB ran out of memory${memoryLimit ? ` (memory limit ${memoryLimit})` : ''}; ` +
          'nothing after the last checkpoint was committed. Rerun with a higher --memory-limit ' +
          '(or "duckdb_memory_limit" in the config), e.g. --memory-limit 4GB'
        : `database ${path}: ${message}`;
  const wrapped = new TargetError(text);
  wrapped.cause = error;
  return wrapped;
}
