import type { TapConfig } from '../tap/config.js';

const TOKEN_LIKE = /cog_[A-Za-z0-9_\-.~+/=]+/g;

/** Removes the API token (and anything shaped like a Devin key) from a text. */
export function redact(text: string, config: Pick<TapConfig, 'apiToken'>): string {
  const withoutToken = config.apiToken ? text.split(config.apiToken).join('[REDACTED]') : text;
  return withoutToken.replace(TOKEN_LIKE, '[REDACTED]');
}
