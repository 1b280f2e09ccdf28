import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { CONFIG_SCHEMA, DEFAULT_BASE_URL, FIELD_EXPECTATIONS } from './config-schema.js';
import { ConfigError } from './errors.js';
import { isJsonObject, type JsonObject, parseJson } from './json.js';

export { CONFIG_SCHEMA } from './config-schema.js';

export interface TapConfig {
  apiToken: string;
  orgId: string;
  /** Epoch seconds, or null when no start_date is configured. */
  startDate: number | null;
  baseUrl: string;
  pageSize: number;
  maxConcurrency: number;
  requestTimeoutSeconds: number;
  maxRetries: number;
  lookbackWindowSeconds: number;
  /** How far back a windowed stream's first read goes when no start_date is set (days). */
  consumptionHistoryDays: number;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true });
// Airbyte UI keywords, not validation keywords: declared so strict mode accepts them.
ajv.addKeyword('airbyte_secret');
ajv.addKeyword('order');
const validate = ajv.compile(CONFIG_SCHEMA);

/** Environment fallbacks: a value in the config wins; the environment only fills a missing field. */
const ENV_FALLBACKS: Readonly<Record<string, string>> = {
  api_token: 'DEVIN_API_TOKEN',
  org_id: 'DEVIN_ORG_ID',
};

function withEnvFallbacks(raw: JsonObject, env: NodeJS.ProcessEnv): JsonObject {
  const merged: JsonObject = { ...raw };
  for (const [field, variable] of Object.entries(ENV_FALLBACKS)) {
    const value = env[variable];
    if (merged[field] === undefined && value !== undefined && value.trim() !== '')
      merged[field] = value.trim();
  }
  return merged;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fractional number';
  return `a ${typeof value}`;
}

/** One message per field; never the value itself (it could be the token), at most its type. */
function fieldMessage(error: ErrorObject, data: JsonObject): { field: string; message: string } {
  const field =
    error.keyword === 'required'
      ? String((error.params as { missingProperty?: unknown }).missingProperty)
      : error.instancePath.replace(/^\//, '').split('/')[0] || '(root)';
  const expected = FIELD_EXPECTATIONS[field] ?? 'a valid value';
  if (error.keyword === 'required') return { field, message: `"${field}" is required: ${expected}` };
  const typeNote = error.keyword === 'type' ? ` (got ${describeType(data[field])})` : '';
  return { field, message: `"${field}" must be ${expected}${typeNote}` };
}

function startDateSeconds(value: string): number {
  const ms = Date.parse(value);
  // Date.parse rolls 2025-02-30 over to March: a round trip catches impossible dates.
  if (Number.isNaN(ms) || new Date(ms).toISOString().replace('.000Z', 'Z') !== value) {
    throw new ConfigError(
      `Invalid config: "start_date" must be ${FIELD_EXPECTATIONS.start_date} (not a real date)`,
    );
  }
  return ms / 1000;
}

/** Validates a raw config (already JSON-parsed) against CONFIG_SCHEMA; throws ConfigError. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv): TapConfig {
  if (!isJsonObject(raw)) throw new ConfigError('Invalid config: expected a JSON object of config fields');
  const data = withEnvFallbacks(raw, env);
  if (!validate(data)) {
    const seen = new Set<string>();
    const messages: string[] = [];
    for (const error of validate.errors ?? []) {
      const { field, message } = fieldMessage(error, data);
      if (seen.has(field)) continue;
      seen.add(field);
      messages.push(message);
    }
    throw new ConfigError(`Invalid config: ${messages.join('; ')}`);
  }
  const baseUrl = String(data.base_url ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!URL.canParse(baseUrl)) {
    throw new ConfigError(`Invalid config: "base_url" must be ${FIELD_EXPECTATIONS.base_url}`);
  }
  return {
    apiToken: String(data.api_token),
    orgId: String(data.org_id),
    startDate: typeof data.start_date === 'string' ? startDateSeconds(data.start_date) : null,
    baseUrl,
    pageSize: Number(data.page_size),
    maxConcurrency: Number(data.max_concurrency),
    requestTimeoutSeconds: Number(data.request_timeout_seconds),
    maxRetries: Number(data.max_retries),
    lookbackWindowSeconds: Number(data.lookback_window_seconds),
    consumptionHistoryDays: Number(data.consumption_history_days),
  };
}

function readConfigFile(path: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'I/O error'})`;
    throw new ConfigError(`Config file "${path}" ${reason}`);
  }
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (error) {
    // The parser's own message may quote the file (and so the token): keep only the position.
    const position = /position (\d+)/.exec(String(error))?.[1];
    throw new ConfigError(
      `Config file "${path}" is not valid JSON${position ? ` (at position ${position})` : ''}`,
    );
  }
  if (!isJsonObject(parsed)) throw new ConfigError(`Config file "${path}" must hold a JSON object`);
  return parsed;
}

/** Reads and merges config files (a later file's fields win), then parses with env fallbacks. */
export function readConfigFiles(paths: readonly string[], env: NodeJS.ProcessEnv): TapConfig {
  let merged: JsonObject = {};
  for (const path of paths) merged = { ...merged, ...readConfigFile(path) };
  return parseConfig(merged, env);
}

const TOKEN_LIKE = /cog_[A-Za-z0-9_\-.~+/=]+/g;

/** Removes the API token (and anything shaped like a Devin key) from a text. */
export function redact(text: string, config: Pick<TapConfig, 'apiToken'>): string {
  const withoutToken = config.apiToken ? text.split(config.apiToken).join('[REDACTED]') : text;
  return withoutToken.replace(TOKEN_LIKE, '[REDACTED]');
}
