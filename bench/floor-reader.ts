// The floor the tap is measured against: a bare undici loop that fetches the same pages with the
// same concurrency and only parses them (the client the tap uses, without retries, deadlines,
// caps, validation, projection, events or encoding).
// With `encode` it also writes every record as the Airbyte RECORD line the tap writes, to stdout in
// 256 KB chunks with backpressure: the floor of a reader that does the tap's output work too.
// Usage: node floor-reader.js <base_url> <org_id> <token> <page_size> <concurrency> [encode]
import { once } from 'node:events';
import { Pool } from 'undici';

const [baseUrl = '', orgId = '', token = '', pageSizeText = '200', concurrencyText = '8', mode = ''] =
  process.argv.slice(2);
const encode = mode === 'encode';
const CHUNK = 256 * 1024;
let chunk = Buffer.allocUnsafe(2 * CHUNK);
let used = 0;
let draining: Promise<unknown> | null = null;

/** Appends one Airbyte RECORD line; hands full chunks to stdout (waits on a full pipe). */
function emit(stream: string, item: Record<string, unknown>): void {
  const line = `{"type":"RECORD","record":{"stream":"${stream}","data":${JSON.stringify(item)},"emitted_at":${Date.now()}}}\n`;
  if (3 * line.length > chunk.length - used) chunk = Buffer.allocUnsafe(Math.max(2 * CHUNK, 3 * line.length));
  used += chunk.write(line, used);
  if (used >= CHUNK) flush();
}

function flush(): void {
  if (used === 0) return;
  if (!process.stdout.write(chunk.subarray(0, used))) draining ??= once(process.stdout, 'drain');
  chunk = Buffer.allocUnsafe(2 * CHUNK);
  used = 0;
}

/** Backpressure between pages: a full pipe holds the next request. */
async function drained(): Promise<void> {
  if (draining === null) return;
  await draining;
  draining = null;
}
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

async function readAll(
  stream: string,
  path: string,
  onItem: (item: Record<string, unknown>) => void,
): Promise<number> {
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const page = await getPage(path, after);
    for (const item of page.items) {
      onItem(item);
      if (encode) emit(stream, item);
    }
    await drained();
    count += page.items.length;
    if (!page.has_next_page) return count;
    after = page.end_cursor;
  }
}

const org = `/v3/organizations/${orgId}`;
const sessionIds: string[] = [];
let records = await readAll('sessions', `${org}/sessions`, (item) =>
  sessionIds.push(String(item.session_id)),
);
const lists = [
  ['sessions_insights', '/sessions/insights'],
  ['playbooks', '/playbooks'],
  ['secrets', '/secrets'],
  ['knowledge_notes', '/knowledge/notes'],
];
for (const [stream = '', path = ''] of lists)
  records += await readAll(stream, `${org}${path}`, () => undefined);
let next = 0;
async function worker(): Promise<void> {
  while (next < sessionIds.length) {
    const id = sessionIds[next++] as string;
    // Awaited first: `records += await ...` would add to the total read before the wait.
    const count = await readAll('session_messages', `${org}/sessions/${id}/messages`, () => undefined);
    records += count;
  }
}
await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
flush();
await drained();
// Without `encode` the only line is the count; with it the count goes to stderr.
(encode ? process.stderr : process.stdout).write(`${records}\n`);
await pool.close();
