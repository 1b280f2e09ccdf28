// The floor the tap is measured against: a bare loop that fetches the same pages with the same
// concurrency and only parses them. No retries, validation, projection, events or encoding.
// Usage: node floor-reader.js <base_url> <org_id> <token> <page_size> <concurrency>
import { Agent, request } from 'node:http';

const [baseUrl = '', orgId = '', token = '', pageSizeText = '200', concurrencyText = '8'] =
  process.argv.slice(2);
const pageSize = Number(pageSizeText);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrencyText) });

interface Page {
  items: Record<string, unknown>[];
  end_cursor: string | null;
  has_next_page: boolean;
}

function getPage(path: string, after: string | null): Promise<Page> {
  const query = `first=${pageSize}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}?${query}`,
      { agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Page));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
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
agent.destroy();
