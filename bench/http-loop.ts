// The HTTP layer alone: every message page of every session of the simulator, 8 at a time, either
// through the tap's client (deadline, cap, token scrub, retry loop, limiter, JSON.parse) or through a
// bare undici Pool (request, body.text(), JSON.parse). Prints the number of pages.
// Usage: node http-loop.js <client|bare> <base_url> <org_id> <token> <session ids file>
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { parseConfig } from '../src/tap/config.js';
import { createHttpClient } from '../src/tap/http/http.js';

const [mode = 'bare', baseUrl = '', orgId = '', token = '', idsFile = ''] = process.argv.slice(2);
const ids = readFileSync(idsFile, 'utf8').split('\n').filter(Boolean);
const CONCURRENCY = 8;

type Fetch = (path: string) => Promise<unknown>;

function bare(): { fetch: Fetch; close: () => Promise<void> } {
  const pool = new Pool(baseUrl, { connections: CONCURRENCY });
  return {
    fetch: async (path) => {
      const { body } = await pool.request({
        path,
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
      });
      return JSON.parse(await body.text()) as unknown;
    },
    close: () => pool.close(),
  };
}

function client(): { fetch: Fetch; close: () => Promise<void> } {
  const config = parseConfig(
    {
      api_token: token,
      org_id: orgId,
      base_url: baseUrl,
      max_concurrency: CONCURRENCY,
      adaptive_concurrency: false,
    },
    {},
  );
  const http = createHttpClient(config);
  const context = {
    stream: 'session_messages',
    permission: 'ViewOrgSessions',
    counters: { requests: 0, retries: 0 },
  };
  return {
    fetch: (path) => http.getJson(path, {}, context),
    close: async () => http.close(),
  };
}

const { fetch, close } = mode === 'client' ? client() : bare();
let next = 0;
let pages = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      await fetch(`/v3/organizations/${orgId}/sessions/${id}/messages`);
      pages += 1;
    }
  }),
);
await close();
process.stdout.write(`${pages}\n`);
