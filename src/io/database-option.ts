import { extname } from 'node:path';
import { InputError } from '../tap/errors.js';
import { fileFormat } from '../targets/database-file.js';
import type { TargetKind } from '../targets/target.js';

export const DEFAULT_DATABASE = './devin.duckdb';

const EXTENSIONS: Readonly<Record<string, TargetKind>> = {
  '.duckdb': 'duckdb',
  '.ddb': 'duckdb',
  '.sqlite': 'sqlite',
  '.sqlite3': 'sqlite',
  '.db': 'sqlite',
};
const NAMES: Readonly<Record<TargetKind, string>> = { duckdb: 'DuckDB', sqlite: 'SQLite' };

/** The engine a file name implies by its extension, if any. */
export function kindFromExtension(path: string): TargetKind | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

/**
 * `--database` and `--target` of a writing command: the kind follows the extension (`.sqlite`,
 * `.sqlite3`, `.db`: SQLite; `.duckdb`, `.ddb`: DuckDB), else an existing file's content, else
 * `--target`, else DuckDB. A `--target` contradicting the extension is an error.
 */
export function resolveDatabase(database: string | undefined, target: TargetKind | undefined) {
  const path = database ?? (target === 'sqlite' ? './devin.sqlite' : DEFAULT_DATABASE);
  const byName = kindFromExtension(path);
  if (byName !== undefined && target !== undefined && byName !== target) {
    throw new InputError(
      `--target ${target} contradicts --database ${path}: a ${extname(path)} file is ${NAMES[byName]}; ` +
        `drop --target or give a ${NAMES[target]} file name`,
    );
  }
  const format = fileFormat(path);
  const byContent = format === 'duckdb' || format === 'sqlite' ? format : undefined;
  return { path, kind: byName ?? target ?? byContent ?? 'duckdb' } as const satisfies {
    path: string;
    kind: TargetKind;
  };
}
