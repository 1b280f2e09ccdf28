import type { Query } from './http.js';

/** Where requests go: base_url split into the origin (one pool) and what every path starts with. */
export interface RequestTarget {
  /** scheme://host[:port]; base_url's userinfo is never sent. */
  origin: string;
  /** base_url's path, without a trailing slash ('' for none). */
  basePath: string;
  /** base_url's own query pairs (already encoded), sent in front of each request's. */
  baseQuery: string[];
}

export function requestTarget(baseUrl: string): RequestTarget {
  const url = new URL(baseUrl);
  const baseQuery = url.search === '' ? [] : url.search.slice(1).split('&').filter(Boolean);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), baseQuery };
}

/**
 * The request path and query for a path relative to base_url: undefined values skipped, arrays as
 * repeated keys, keys and values percent-encoded (a cursor's `+ / =` round-trips).
 */
export function requestPath(target: RequestTarget, path: string, query: Query): string {
  const pairs = [...target.baseQuery];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const name = encodeURIComponent(key);
    if (Array.isArray(value)) for (const item of value) pairs.push(`${name}=${encodeURIComponent(item)}`);
    else pairs.push(`${name}=${encodeURIComponent(value as string | number | boolean)}`);
  }
  const full = `${target.basePath}/${path.replace(/^\/+/, '')}`;
  return pairs.length === 0 ? full : `${full}?${pairs.join('&')}`;
}
