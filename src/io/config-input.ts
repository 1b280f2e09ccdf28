import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parseConfig, readConfigFile, type TapConfig } from '../tap/config.js';
import { ConfigError } from '../tap/errors.js';
import type { JsonObject, JsonValue } from '../tap/json.js';
import { misspeltFields } from './config-spelling.js';
import { readBoundedText } from './read-json-file.js';

const MAX_DOTENV_BYTES = 1024 * 1024;

import {
  CONFIG_FIELDS,
  CONFIG_PROPERTIES,
  environmentFields,
  envName,
  optionName,
  typedValue,
} from './config-fields.js';

/** Where an effective config field came from, highest precedence first. */
export type ConfigSource =
  | { kind: 'option'; name: string }
  | { kind: 'env'; name: string }
  | { kind: 'dotenv'; name: string; path: string }
  | { kind: 'file'; path: string }
  | { kind: 'default' };

export interface ConfigRequest {
  /** `--config` files, merged in order (a later file wins). */
  configPaths: readonly string[];
  /** Config fields given as command-line options (`--org-id` ...), by field name. */
  options?: Readonly<Record<string, string | undefined>>;
  env: NodeJS.ProcessEnv;
  /** Directory whose `.env` file is read; none when undefined. */
  cwd?: string;
}

export interface ResolvedConfig {
  /** The merged raw fields (before validation), with where each came from. */
  raw: JsonObject;
  sources: Record<string, ConfigSource>;
}

export { isSecretField, optionName } from './config-fields.js';

function readDotenv(cwd: string): { path: string; values: Record<string, string> } | null {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return null;
  return { path, values: parseDotenv(readBoundedText(path, '.env', ConfigError, MAX_DOTENV_BYTES)) };
}

/**
 * Merges the config sources, lowest precedence first: defaults, `--config` files in order, `.env` in
 * the working directory, the environment, command-line options. Unknown fields of files are kept
 * (Airbyte adds its own) and ignored by validation.
 */
export function resolveConfigSources(request: ConfigRequest): ResolvedConfig {
  const raw: JsonObject = {};
  const sources: Record<string, ConfigSource> = {};
  const set = (field: string, value: JsonValue, source: ConfigSource) => {
    raw[field] = value;
    sources[field] = source;
  };
  for (const field of CONFIG_FIELDS) {
    const fallback = CONFIG_PROPERTIES[field]?.default as JsonValue | undefined;
    if (fallback !== undefined) set(field, fallback, { kind: 'default' });
  }
  for (const path of request.configPaths) {
    for (const [field, value] of Object.entries(readConfigFile(path)))
      set(field, value, { kind: 'file', path });
  }
  const dotenv = request.cwd === undefined ? null : readDotenv(request.cwd);
  const layers: [Record<string, string | undefined>, (name: string) => ConfigSource][] = [
    [dotenv?.values ?? {}, (name) => ({ kind: 'dotenv', name, path: dotenv?.path ?? '.env' })],
    [request.env, (name) => ({ kind: 'env', name })],
  ];
  for (const [values, source] of layers) {
    for (const [field, value] of Object.entries(environmentFields(values))) {
      set(field, value, source(envName(field)));
    }
  }
  for (const [field, text] of Object.entries(request.options ?? {})) {
    if (text !== undefined && text.trim() !== '')
      set(field, typedValue(field, text.trim()), { kind: 'option', name: optionName(field) });
  }
  return { raw, sources };
}

/** The validated config of a command, where each field came from, and warnings (misspelt fields). */
export function loadConfig(request: ConfigRequest): {
  config: TapConfig;
  sources: Record<string, ConfigSource>;
  warnings: string[];
} {
  const { raw, sources } = resolveConfigSources(request);
  return { config: parseConfig(raw, {}), sources, warnings: misspeltFields(raw) };
}

export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'option':
      return `option ${source.name}`;
    case 'env':
      return `environment ${source.name}`;
    case 'dotenv':
      return `${source.path} ${source.name}`;
    case 'file':
      return `file ${source.path}`;
    default:
      return 'default';
  }
}
