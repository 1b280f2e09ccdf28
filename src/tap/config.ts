import { Ajv, type ErrorObject } from 'ajv';
import { environmentFields } from '../io/config-fields.js';
import { readJsonFile } from '../io/read-json-file.js';
import { CONFIG_SCHEMA, DEFAULT_BASE_URL, FIELD_EXPECTATIONS } from './config-schema.js';
import { ConfigError } from './errors.js';
import { unsendablePosition } from './http/header-value.js';
import { isJsonObject, type JsonObject } from './json.js';

export {
  CONFIG_FIELDS,
  CONFIG_PROPERTIES,
  environmentFields,
  envName,
  typedValue,
} from '../io/config-fields.js';
export { CONFIG_SCHEMA, SOURCE_SPEC, TARGET_FIELDS } from './config-schema.js';
export { redact } from './redact.js';

export type Scope = 'organization' | 'enterprise';

export interface TapConfig {
  apiToken: string;
  /** `organization`: one org, an org-scoped key; `enterprise`: every org (or `orgIds`), an enterprise key. */
  scope: Scope;
  /** Enterprise scope: only these organizations (null: all of them). */
  orgIds: readonly string[] | null;
  /** '' until resolveOrgId has asked the API (org_id not configured). */
  orgId: string;
  /** 'api': org_id was not configured and GET /v3/enterprise/self named it. */
  orgIdSource?: 'config' | 'api';
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
  metricsHistoryDays: number;
  /** How far back the first read of audit_logs goes when no start_date is set (days). */
  auditHistoryDays: number;
  /** DuckDB memory_limit for `devin-tap sync` (`duckdb_memory_limit`); unset: the machine's default. */
  duckdbMemoryLimit?: string;
  /** Cap on one decompressed response body, in MB (256 when absent). */
  maxResponseMb?: number;
  /** When true (or absent), maxConcurrency is a ceiling and the client finds the API's pace below it. */
  adaptiveConcurrency?: boolean;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true });
// Airbyte UI keywords, not validation keywords: declared so strict mode accepts them.
ajv.addKeyword('airbyte_secret');
ajv.addKeyword('order');
const validate = ajv.compile(CONFIG_SCHEMA);

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

/**
 * Validates a raw config (already JSON-parsed) against CONFIG_SCHEMA; `DEVIN_<FIELD>` variables of `env`
 * win over its fields. Throws ConfigError.
 */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv): TapConfig {
  if (!isJsonObject(raw)) throw new ConfigError('Invalid config: expected a JSON object of config fields');
  const data: JsonObject = { ...raw, ...environmentFields(env) };
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
  const tokenFault = unsendablePosition(String(data.api_token));
  if (tokenFault !== null) {
    throw new ConfigError(
      `Invalid config: "api_token" holds a control or invisible character (character ${tokenFault}), which cannot be sent in an HTTP header; copy the key again`,
    );
  }
  const baseUrl = String(data.base_url ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!URL.canParse(baseUrl)) {
    throw new ConfigError(`Invalid config: "base_url" must be ${FIELD_EXPECTATIONS.base_url}`);
  }
  const scope: Scope = data.scope === 'enterprise' ? 'enterprise' : 'organization';
  if (scope === 'organization' && Array.isArray(data.org_ids)) {
    throw new ConfigError(
      'Invalid config: "org_ids" applies to scope "enterprise" only; at organization scope set "org_id"',
    );
  }
  return {
    apiToken: String(data.api_token),
    scope,
    orgIds: Array.isArray(data.org_ids) && data.org_ids.length > 0 ? data.org_ids.map(String) : null,
    ...(typeof data.org_id === 'string'
      ? { orgId: data.org_id, orgIdSource: 'config' as const }
      : { orgId: '' }),
    startDate: typeof data.start_date === 'string' ? startDateSeconds(data.start_date) : null,
    baseUrl,
    pageSize: Number(data.page_size),
    maxConcurrency: Number(data.max_concurrency),
    requestTimeoutSeconds: Number(data.request_timeout_seconds),
    maxRetries: Number(data.max_retries),
    lookbackWindowSeconds: Number(data.lookback_window_seconds),
    consumptionHistoryDays: Number(data.consumption_history_days),
    metricsHistoryDays: Number(data.metrics_history_days),
    auditHistoryDays: Number(data.audit_history_days),
    ...(typeof data.duckdb_memory_limit === 'string' ? { duckdbMemoryLimit: data.duckdb_memory_limit } : {}),
    maxResponseMb: Number(data.max_response_mb),
    adaptiveConcurrency: data.adaptive_concurrency !== false,
  };
}

/** Reads and merges config files (a later file's fields win); the environment wins over them. */
export function readConfigFiles(paths: readonly string[], env: NodeJS.ProcessEnv): TapConfig {
  let merged: JsonObject = {};
  for (const path of paths) merged = { ...merged, ...readConfigFile(path) };
  return parseConfig(merged, env);
}

/** One config file, through the one JSON-file reader (file and position named, never the content). */
export function readConfigFile(path: string): JsonObject {
  const parsed = readJsonFile(path, 'config', ConfigError);
  if (!isJsonObject(parsed)) throw new ConfigError(`config file ${path}: must hold a JSON object`);
  return parsed;
}
