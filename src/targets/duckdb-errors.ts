import { errorMessage, TargetError } from '../tap/errors.js';

/** Turns a DuckDB error into a TargetError naming the database file. */
export function duckdbError(path: string, error: unknown): TargetError {
  if (error instanceof TargetError) return error;
  const message = errorMessage(error);
  const text = /Could not set lock on file/i.test(message)
    ? `database ${path} is in use by another process (DuckDB allows one process to open a database for writing)`
    : /not a valid DuckDB database file/i.test(message)
      ? `${path} is not a DuckDB database`
      : `database ${path}: ${message}`;
  const wrapped = new TargetError(text);
  wrapped.cause = error;
  return wrapped;
}
