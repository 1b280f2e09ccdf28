import { RetryExhaustedError } from './errors.js';
import { displayBaseUrl } from './redact.js';

/**
 * What a give-up before any data means, in words: an API that kept answering (429 rate limit, 5xx)
 * is busy, not unreachable; only a give-up without an answer (timeouts, refused connections) is.
 */
export function giveUpMessage(error: RetryExhaustedError, baseUrl: string): string {
  const where = `the Devin API at ${displayBaseUrl(baseUrl)}`;
  if (error.lastStatus === 429)
    return `${where} kept rate-limiting the requests (HTTP 429) through every retry; try again later or raise max_retries: ${error.message}`;
  if (error.lastStatus !== undefined)
    return `${where} answered with server errors through every retry: ${error.message}`;
  return `cannot reach ${where}: ${error.message}`;
}

/** The same give-up, with the message above. */
export function explainedGiveUp(error: RetryExhaustedError, baseUrl: string): RetryExhaustedError {
  return new RetryExhaustedError(giveUpMessage(error, baseUrl), error.path, error.attempts, error.lastStatus);
}
