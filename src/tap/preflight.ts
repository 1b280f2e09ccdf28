import type { TapConfig } from './config.js';
import { checkEnterpriseKey } from './enterprise-key.js';
import { ApiError, RetryExhaustedError, RunEndingApiError } from './errors.js';
import { explainedGiveUp } from './give-up.js';
import { createHttpClient, type HttpOptions } from './http/http.js';
import { resolvePath } from './read/stream-path.js';
import { findStream, type StreamDef, type StreamScope, streamsOf } from './streams/index.js';

/** A stream of the selection whose endpoint needs no parent (a child's own parent otherwise). */
function probeStream(names: readonly string[], scope: StreamScope): StreamDef | undefined {
  const selected = streamsOf(scope).filter((def) => names.includes(def.name));
  const top = selected.find((def) => def.parent === undefined);
  if (top) return top;
  const parent = selected[0]?.parent?.stream;
  return parent === undefined ? undefined : findStream(parent, scope);
}

/**
 * One request before anything is created or opened (sync's database): a rejected token, a
 * redirecting base_url, or an API that cannot be reached (refused, DNS, timeouts) throws here, so
 * such a run leaves nothing behind. Answers that concern one stream (403, 404) are left to the read.
 * It is an ordinary request: max_retries and Retry-After apply, so a rate-limited start waits.
 */
export async function preflight(
  config: TapConfig,
  names: readonly string[],
  options: HttpOptions = {},
): Promise<void> {
  await checkEnterpriseKey(config, options);
  const def = probeStream(names, config.scope);
  if (def === undefined) return;
  const http = createHttpClient(config, options);
  const context = { stream: def.name, permission: def.permission, counters: { requests: 0, retries: 0 } };
  try {
    await http.getJson(resolvePath(def, config.orgId), { first: 1 }, context);
  } catch (error) {
    if (error instanceof RunEndingApiError) throw error;
    if (error instanceof RetryExhaustedError) throw explainedGiveUp(error, config.baseUrl);
    if (!(error instanceof ApiError)) throw error;
  } finally {
    http.close();
  }
}
