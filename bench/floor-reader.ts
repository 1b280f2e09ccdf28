// The floor the tap is measured against: a bare undici loop that fetches the same pages with the
// same concurrency and only parses them (the client the tap uses, without retries, deadlines,
// caps, validation, projection, events or encoding).
// Usage: node floor-reader.js <base_url> <org_id> <token> <page_size> <concurrency>
import { Pool } from 'undici';

const [baseUrl = '', orgId = '', token = '', pageSizeText = '200', concurrencyText = '8'] =
  process.argv.slice(2);
const pageSize = Number(pageSizeText);
const pool = new Pool(baseUrl, { connections: Number(concurrencyText) });

interface Page {
  items: Record<string, unknown>[];
  end_cursor: string | null;
  has_next_page: boolean;
}

async function getPage(path: string, after: string | null): Promise<Page> {
  const query = `first=${pageSize}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
  const { body } = await pool.request({
    path: `${path}?${query}`,
    method: 'GET',
    headers: { authorization: `Bearer ${token}` },
  });
  return JSON.parse(await body.text()) as Page;
}

async function readAll(path: string, onItem: (item: Record<string, unknown>) => void): Promise<number> {
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const page = await getPage(path, after);
    for (const item of page.items) onItem(item);
    count += page.items.length;
    if (!page.has_next_page) return count;
    after = page.end_cursor;
  }
}

const org = `/v3/organizations/${orgId}`;
const sessionIds: string[] = [];
let records = await readAll(`${org}/sessions`, (item) => sessionIds.push(String(item.session_id)));
for (const path of ['/sessions/insights', '/playbooks', '/secrets', '/knowledge/notes']) {
  records += await readAll(`${org}${path}`, () => undefined);
}
let next = 0;
async function worker(): Promise<void> {
  while (next < sessionIds.length) {
    const id = sessionIds[next++] as string;
    records += await readAll(`${org}/sessions/${id}/messages`, () => undefined);
  }
}
await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
process.stdout.write(`${records}\n`);
await pool.close();
