import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from './events.js';
import { isJsonObject } from './json.js';

/** The package root (holds catalog/), found from this module whether run from src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'catalog', 'sessions.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('devin-tap: catalog/ not found beside the installed package');
    dir = parent;
  }
  return dir;
}

const cache = new Map<string, JsonSchema>();

/** The JSON Schema of one stream, from catalog/<stream>.json: shared by every mode. */
export function streamSchema(stream: string): JsonSchema {
  const cached = cache.get(stream);
  if (cached) return cached;
  const parsed: unknown = JSON.parse(readFileSync(join(packageRoot(), 'catalog', `${stream}.json`), 'utf8'));
  if (!isJsonObject(parsed)) throw new Error(`catalog/${stream}.json is not a JSON object`);
  cache.set(stream, parsed);
  return parsed;
}
