import type { TapConfig } from './config.js';
import { ApiError, ConfigError, RetryExhaustedError, RunEndingApiError } from './errors.js';
import { explainedGiveUp } from './give-up.js';
import { createHttpClient, type HttpClient, type HttpOptions } from './http/http.js';
import { isJsonObject } from './json.js';
import { SELF_PATH } from './org-id.js';

const ORGANIZATIONS_PATH = '/v3/enterprise/organizations';

function wrongKey(why: string): ConfigError {
  return new ConfigError(
    `"scope" is "enterprise", but this API key is not an enterprise key: ${why}. Use the key of a ` +
      'service user made under Enterprise settings > Service users, or set "scope" to "organization" ' +
      'with the org_id of this key',
  );
}

async function ask(http: HttpClient, path: string, query: Record<string, number>): Promise<unknown> {
  const context = {
    stream: 'scope',
    permission: 'ManageOrganizations',
    counters: { requests: 0, retries: 0 },
  };
  return http.getJson(path, query, context);
}

/**
 * In enterprise scope, before anything is created: the key must be an enterprise key. An
 * org-scoped key is named as such (GET /v3/enterprise/self names its organization, or the
 * enterprise list answers 403), with one message, never a 403 per stream.
 */
export async function checkEnterpriseKey(config: TapConfig, options: HttpOptions = {}): Promise<void> {
  if (config.scope !== 'enterprise') return;
  const http = createHttpClient(config, options);
  try {
    const self = await ask(http, SELF_PATH, {}).catch((error: unknown) => {
      if (error instanceof ApiError && error.status !== 401) return null;
      throw error;
    });
    const orgId = isJsonObject(self) ? self.org_id : undefined;
    if (typeof orgId === 'string' && orgId !== '')
      throw wrongKey(`GET ${SELF_PATH} says it belongs to organization ${orgId}`);
    await ask(http, ORGANIZATIONS_PATH, { first: 1 });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RunEndingApiError) throw error;
    if (error instanceof RetryExhaustedError) throw explainedGiveUp(error, config.baseUrl);
    if (error instanceof ApiError && error.status === 403)
      throw wrongKey(`GET ${ORGANIZATIONS_PATH} answered 403 (it needs ManageOrganizations)`);
    throw error;
  } finally {
    http.close();
  }
}
