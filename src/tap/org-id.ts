import type { TapConfig } from './config.js';
import { FIELD_EXPECTATIONS } from './config-schema.js';
import { ApiError, ConfigError, RetryExhaustedError, RunEndingApiError } from './errors.js';
import { explainedGiveUp } from './give-up.js';
import { createHttpClient, type HttpOptions } from './http/http.js';
import { isJsonObject } from './json.js';

/** Answers the key's service user, and its organization (null for an enterprise-scoped key). */
export const SELF_PATH = '/v3/enterprise/self';
const ORG_ID = /^org[-_]/;

function missing(why: string): ConfigError {
  return new ConfigError(`Invalid config: "org_id" is required: ${FIELD_EXPECTATIONS.org_id}; ${why}`);
}

/**
 * The config with its org_id: as configured, or (when absent) asked of GET /v3/enterprise/self.
 * When that names no organization, the same config error as a missing org_id, with the reason.
 */
export async function resolveOrgId(config: TapConfig, options: HttpOptions = {}): Promise<TapConfig> {
  if (config.orgId !== '' || config.scope === 'enterprise') return config;
  const http = createHttpClient(config, options);
  const context = { stream: 'org_id', permission: '(any)', counters: { requests: 0, retries: 0 } };
  let body: unknown;
  try {
    body = await http.getJson(SELF_PATH, {}, context);
  } catch (error) {
    if (error instanceof RunEndingApiError) throw error;
    if (error instanceof RetryExhaustedError) throw explainedGiveUp(error, config.baseUrl);
    if (error instanceof ApiError) throw missing(`GET ${SELF_PATH} could not say (${error.message})`);
    throw error;
  } finally {
    http.close();
  }
  const orgId = isJsonObject(body) ? body.org_id : undefined;
  if (typeof orgId === 'string' && ORG_ID.test(orgId)) return { ...config, orgId, orgIdSource: 'api' };
  if (orgId === null || orgId === undefined)
    throw missing(`GET ${SELF_PATH} names no organization for this API key (an enterprise key needs one)`);
  throw missing(`GET ${SELF_PATH} answered an org_id that is not one`);
}

/** Where org_id came from, in words (doctor, config). */
export function orgIdOrigin(config: TapConfig): string {
  return config.orgIdSource === 'api' ? `from GET ${SELF_PATH}` : 'configured';
}
