import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../catalog.js';
import { isJsonObject, parseJson } from '../json.js';

let cached: string | null = null;

/** `devin-tap/<version>`, the version read from package.json once per process. */
export function userAgent(): string {
  if (cached === null) {
    const parsed = parseJson(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
    const version = isJsonObject(parsed) && typeof parsed.version === 'string' ? parsed.version : '0.0.0';
    cached = `devin-tap/${version}`;
  }
  return cached;
}
