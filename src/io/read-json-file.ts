import { readFileSync } from 'node:fs';
import type { TapError } from '../tap/errors.js';

type ErrorClass = new (message: string) => TapError;

/** Reads and parses a JSON file given on the command line; problems become `ErrorType` naming the file. */
export function readJsonFile(path: string, what: string, ErrorType: ErrorClass): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new ErrorType(`${what} file ${path}: cannot be read (${reason})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ErrorType(`${what} file ${path}: not valid JSON (${(error as Error).message})`);
  }
}
