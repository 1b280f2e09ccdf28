import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../tap/catalog.js';
import { isJsonObject, parseJson } from '../tap/json.js';

/** The version in package.json (one source of truth for --version and --about). */
export function packageVersion(): string {
  const parsed = parseJson(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
  return isJsonObject(parsed) && typeof parsed.version === 'string' ? parsed.version : '0.0.0';
}
