import type { Query } from './http.js';

/**
 * base_url + path + query, serialized as axios does with `paramsSerializer: { indexes: null }`
 * (undefined skipped, arrays as repeated keys, values percent-encoded), built here once instead of by
 * axios on each attempt. axios leaves `:`, `$` and `,` unencoded; encoding them too means the same.
 */
export function requestUrl(baseUrl: string, path: string, query: Query): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const name = encodeURIComponent(key);
    if (Array.isArray(value)) for (const item of value) pairs.push(`${name}=${encodeURIComponent(item)}`);
    else pairs.push(`${name}=${encodeURIComponent(value as string | number | boolean)}`);
  }
  const url = `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return pairs.length === 0 ? url : `${url}?${pairs.join('&')}`;
}
