import type { TapConfig } from './config.js';
import { ApiError, RetryExhaustedError, RunEndingApiError } from './errors.js';
import { createHttpClient, type HttpOptions } from './http/http.js';
import { resolvePath } from './read/stream-path.js';
import { displayBaseUrl } from './redact.js';
import { findStream, STREAMS, type StreamDef } from './streams/index.js';

/** Retries of the preflight: enough to ride out a blip, few enough to say "unreachable" quickly. */
const PREFLIGHT_RETRIES = 2;

/** A stream of the selection whose endpoint needs no parent (a child's own parent otherwise). */
function probeStream(names: readonly string[]): StreamDef | undefined {
  const selected = STREAMS.filter((def) => names.includes(def.name));
  const top = selected.find((def) => def.parent === undefined);
  if (top) return top;
  const parent = selected[0]?.parent?.stream;
  return parent === undefined ? undefined : findStream(parent);
}

/**
 * One request before anything is created or opened (sync's database): a rejected token, a
 * redirecting base_url, or an API that cannot be reached (refused, DNS, timeouts) throws here, so
 * such a run leaves nothing behind. Answers that concern one stream (403, 404) are left to the read.
 */
export async function preflight(
  config: TapConfig,
  names: readonly string[],
  options: HttpOptions = {},
): Promise<void> {
  const def = probeStream(names);
  if (def === undefined) return;
  const http = createHttpClient(config, {
    maxRetries: Math.min(config.maxRetries, PREFLIGHT_RETRIES),
    ...options,
  });
  const context = { stream: def.name, permission: def.permission, counters: { requests: 0, retries: 0 } };
  try {
    await http.getJson(resolvePath(def, config.orgId), { first: 1 }, context);
  } catch (error) {
    if (error instanceof RunEndingApiError) throw error;
    if (error instanceof RetryExhaustedError) {
      throw new RetryExhaustedError(
        `cannot reach the Devin API at ${displayBaseUrl(config.baseUrl)}: ${error.message}`,
        error.path,
        error.attempts,
      );
    }
    if (!(error instanceof ApiError)) throw error;
  } finally {
    http.close();
  }
}
