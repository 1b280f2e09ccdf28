/**
 * Redaction in one place: every message, log line, trace and error passes through `redact` before
 * it leaves the process. It removes the API token (and anything shaped like a Devin key), and the
 * userinfo and query string of base_url (a proxy's password or key may sit there).
 */
export interface Secrets {
  apiToken: string;
  baseUrl?: string;
}

export const REDACTED = '[REDACTED]';

const TOKEN_LIKE = /cog_[A-Za-z0-9_\-.~+/=]+/g;
/** The userinfo of any URL: `scheme://user:password@`. */
const URL_USERINFO = /\b(https?:\/\/)[^\s/?#@]+@/gi;

/** base_url as it may be shown: no userinfo, no query string. */
export function displayBaseUrl(baseUrl: string): string {
  if (!URL.canParse(baseUrl)) return baseUrl.replace(URL_USERINFO, `$1${REDACTED}@`);
  const url = new URL(baseUrl);
  const userinfo = url.username !== '' || url.password !== '' ? `${REDACTED}@` : '';
  const query = url.search !== '' ? `?${REDACTED}` : '';
  return `${url.protocol}//${userinfo}${url.host}${url.pathname.replace(/\/+$/, '')}${query}`;
}

/** The parts of base_url that must never be shown, raw and percent-decoded. */
function baseUrlSecrets(baseUrl: string | undefined): string[] {
  if (baseUrl === undefined || !URL.canParse(baseUrl)) return [];
  const url = new URL(baseUrl);
  const parts = [url.password, url.username, url.search.slice(1)].filter((part) => part.length >= 3);
  const decoded = parts.map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  return [...new Set([...parts, ...decoded])].sort((a, b) => b.length - a.length);
}

function replaceAll(text: string, secret: string, by: string): string {
  return secret !== '' && text.includes(secret) ? text.split(secret).join(by) : text;
}

/** Removes the token, Devin-key-shaped strings and base_url's userinfo and query from a text. */
export function redact(text: string, secrets: Secrets): string {
  let clean = replaceAll(text, secrets.apiToken, REDACTED);
  if (secrets.baseUrl !== undefined) {
    const shown = displayBaseUrl(secrets.baseUrl);
    clean = replaceAll(clean, secrets.baseUrl, shown);
    for (const secret of baseUrlSecrets(secrets.baseUrl)) clean = replaceAll(clean, secret, REDACTED);
  }
  return clean.replace(TOKEN_LIKE, REDACTED).replace(URL_USERINFO, `$1${REDACTED}@`);
}

/**
 * The token removed from a raw response body before it is parsed: the API echoing it inside data
 * (a title, a note) must not carry it into any record, output or database. `[REDACTED]` holds no
 * character JSON escapes, so the body stays valid JSON.
 */
export function scrubToken(body: string, apiToken: string): string {
  if (apiToken === '') return body;
  let clean = replaceAll(body, apiToken, REDACTED);
  // A JSON writer may escape `/` as `\/`: that spelling of the token goes too.
  if (apiToken.includes('/')) clean = replaceAll(clean, apiToken.replaceAll('/', '\\/'), REDACTED);
  return clean;
}
