import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from './events.js';
import { isJsonObject } from './json.js';
import type { StreamDef } from './streams/index.js';

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

const schemas = new WeakMap<StreamDef, JsonSchema>();

/** The stream's JSON Schema: catalog/<name>.json (or the definition's own), with its added columns. */
export function schemaOf(def: StreamDef): JsonSchema {
  const base = def.schema ?? streamSchema(def.name);
  if (def.addedColumns === undefined) return base;
  const cached = schemas.get(def);
  if (cached) return cached;
  const properties = isJsonObject(base.properties) ? base.properties : {};
  const schema = { ...base, properties: { ...def.addedColumns, ...properties } };
  schemas.set(def, schema);
  return schema;
}
