import { closeSync, openSync, readSync } from 'node:fs';
import { InputError, type TapError } from '../tap/errors.js';
import { jsonSyntaxError } from './json-syntax.js';

type ErrorClass = new (message: string) => TapError;

/**
 * The largest config, catalog or state file read (`--config /dev/zero` must fail at once, not read
 * forever). A catalog of every stream is about 40 KB; a state with per-parent progress stays far
 * below this.
 */
export const MAX_JSON_FILE_BYTES = 16 * 1024 * 1024;

function readReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return String(code ?? (error as Error).message);
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * A file's text, read in chunks and never more than `limit` bytes: a larger file (or an endless one
 * such as /dev/zero) is an error naming it and the limit.
 */
export function readBoundedText(
  path: string,
  what: string,
  ErrorType: ErrorClass = InputError,
  limit = MAX_JSON_FILE_BYTES,
): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new ErrorType(`${what} file ${path}: cannot be read (${readReason(error)})`);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, limit + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) throw new ErrorType(`${what} file ${path}: larger than ${megabytes(limit)}`);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof ErrorType) throw error;
    throw new ErrorType(`${what} file ${path}: cannot be read (${readReason(error)})`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The one reader of JSON files named on the command line (config, catalog, state). A problem becomes
 * `ErrorType` naming the file and, for bad JSON, the line and column: never the content, which may
 * hold the API token.
 */
export function readJsonFile(path: string, what: string, ErrorType: ErrorClass = InputError): unknown {
  const text = readBoundedText(path, what, ErrorType);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const at = jsonSyntaxError(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    throw new ErrorType(`${what} file ${path}: not valid JSON${where}`);
  }
}
