import type { TapConfig } from './config.js';
import { ApiError, ConfigError, RetryExhaustedError, RunEndingApiError } from './errors.js';
import { explainedGiveUp } from './give-up.js';
import { createHttpClient, type HttpClient, type HttpOptions } from './http/http.js';
import { isJsonObject } from './json.js';
import { SELF_PATH } from './org-id.js';
import { paginate } from './read/paginate.js';

const ORGANIZATIONS_PATH = '/v3/enterprise/organizations';
const LISTING = 'ManageOrganizations';

function wrongKey(why: string): ConfigError {
  return new ConfigError(
    `"scope" is "enterprise", but this API key is not an enterprise key: ${why}. Use the key of a ` +
      'service user made under Enterprise settings > Service users, or set "scope" to "organization" ' +
      'with the org_id of this key',
  );
}

function ask(http: HttpClient, path: string, query: Record<string, number | string>): Promise<unknown> {
  const context = { stream: 'scope', permission: LISTING, counters: { requests: 0, retries: 0 } };
  return http.getJson(path, query, context);
}

/** Every organization id of the enterprise (the list is short: one request per 200). */
async function enterpriseOrgIds(http: HttpClient, pageSize: number): Promise<string[]> {
  const ids: string[] = [];
  const pages = paginate((page) => ask(http, ORGANIZATIONS_PATH, page), {
    pageSize,
    label: ORGANIZATIONS_PATH,
  });
  for await (const page of pages)
    for (const item of page.items) if (typeof item.org_id === 'string') ids.push(item.org_id);
  return ids;
}

function checkOrgIds(wanted: readonly string[] | null, known: readonly string[]): void {
  const unknown = (wanted ?? []).filter((orgId) => !known.includes(orgId));
  if (unknown.length === 0) return;
  const shown = known.length > 20 ? `${known.slice(0, 20).join(', ')}, ...` : known.join(', ');
  throw new ConfigError(
    `Invalid config: "org_ids" names organization(s) this enterprise does not have: ${unknown.join(', ')} ` +
      `(it has ${shown || 'none'})`,
  );
}

/**
 * In enterprise scope, before anything is created: the key must be an enterprise key that can list
 * the organizations, and every id of `org_ids` one of them. An org-scoped key is named as such
 * (GET /v3/enterprise/self names its organization, or the list answers 403), with one message,
 * never a 403 per stream.
 */
export async function checkEnterpriseKey(config: TapConfig, options: HttpOptions = {}): Promise<void> {
  if (config.scope !== 'enterprise') return;
  const http = createHttpClient(config, options);
  let enterpriseKey = false;
  try {
    const self = await ask(http, SELF_PATH, {}).catch((error: unknown) => {
      if (error instanceof ApiError && error.status !== 401) return null;
      throw error;
    });
    const orgId = isJsonObject(self) ? self.org_id : undefined;
    if (typeof orgId === 'string' && orgId !== '')
      throw wrongKey(`GET ${SELF_PATH} says it belongs to organization ${orgId}`);
    enterpriseKey = isJsonObject(self) && orgId === null;
    checkOrgIds(config.orgIds, await enterpriseOrgIds(http, config.pageSize));
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RunEndingApiError) throw error;
    if (error instanceof RetryExhaustedError) throw explainedGiveUp(error, config.baseUrl);
    if (error instanceof ApiError && error.status === 403) {
      if (enterpriseKey)
        throw new ConfigError(
          `this enterprise key's role lacks the ${LISTING} permission, which listing the organizations needs (GET ${ORGANIZATIONS_PATH} answered 403)`,
        );
      throw wrongKey(`GET ${ORGANIZATIONS_PATH} answered 403`);
    }
    throw error;
  } finally {
    http.close();
  }
}
