import { readFileSync } from 'node:fs';
import { InputError, type TapError } from '../tap/errors.js';
import { jsonSyntaxError } from './json-syntax.js';

type ErrorClass = new (message: string) => TapError;

function readReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return String(code ?? (error as Error).message);
}

/**
 * The one reader of JSON files named on the command line (config, catalog, state). A problem becomes
 * `ErrorType` naming the file and, for bad JSON, the line and column: never the content, which may
 * hold the API token.
 */
export function readJsonFile(path: string, what: string, ErrorType: ErrorClass = InputError): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ErrorType(`${what} file ${path}: cannot be read (${readReason(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const at = jsonSyntaxError(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    throw new ErrorType(`${what} file ${path}: not valid JSON${where}`);
  }
}
