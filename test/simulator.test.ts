import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, SPECIAL, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { apiFetch } from './helpers/api-fetch.js';

interface Reply {
  status: number;
  type: string | null;
  body: JsonObject;
}

function get(sim: Simulator, path: string, token: string | null = sim.token): Promise<Reply> {
  return apiFetch(sim.baseUrl, path, token);
}

const org = (sim: Simulator, rest: string): string => `/v3/organizations/${sim.orgId}${rest}`;

/** Follows end_cursor (URL-encoded) until has_next_page is false. */
async function readAll(
  sim: Simulator,
  path: string,
  first: number,
): Promise<{ items: JsonObject[]; cursors: string[] }> {
  const items: JsonObject[] = [];
  const cursors: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const query: string = `${sep}first=${first}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
    const reply = await get(sim, `${path}${query}`);
    expect(reply.status).toBe(200);
    items.push(...(reply.body.items as JsonObject[]));
    if (!reply.body.has_next_page) return { items, cursors };
    after = String(reply.body.end_cursor);
    cursors.push(after);
  }
  throw new Error('pagination did not end');
}

const ids = (rows: Iterable<JsonObject>, key: string): string[] => [...rows].map((row) => String(row[key]));

describe('simulator HTTP API', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      sessions: 40,
      messagesPerSession: 6,
      playbooks: 9,
      secrets: 8,
      knowledgeNotes: 7,
    });
  });
  afterAll(() => sim.close());

  it('paginates every list exactly once, equal to the ground truth, with cursors holding + / =', async () => {
    const lists: [string, () => Iterable<JsonObject>, string][] = [
      ['/sessions', () => sim.sessions(), 'session_id'],
      ['/sessions/insights', () => sim.insights(), 'session_id'],
      ['/playbooks', () => sim.playbooks(), 'playbook_id'],
      ['/secrets', () => sim.secrets(), 'secret_id'],
      ['/knowledge/notes', () => sim.knowledgeNotes(), 'note_id'],
    ];
    for (const [path, truth, key] of lists) {
      const { items, cursors } = await readAll(sim, org(sim, path), 3);
      expect(items).toEqual([...truth()]);
      expect(new Set(ids(items, key)).size).toBe(items.length);
      expect(cursors.length).toBeGreaterThan(1);
      for (const cursor of cursors) expect(cursor).toMatch(/^(?=.*\+)(?=.*\/)(?=.*=)/);
    }
  });

  it('serves 500+ messages of one session over several pages, oldest first, equal to the ground truth', async () => {
    const id = ids(sim.sessions(), 'session_id').at(-1 - SPECIAL.manyMessages) ?? '';
    const { items, cursors } = await readAll(sim, org(sim, `/sessions/${id}/messages`), 200);
    expect(items.length).toBeGreaterThanOrEqual(500);
    expect(cursors.length).toBe(Math.ceil(items.length / 200) - 1);
    expect(items).toEqual([...sim.messages(id)]);
    expect(new Set(ids(items, 'event_id')).size).toBe(items.length);
    const times = items.map((item) => Number(item.created_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('envelope: total counts the list, null on messages; first defaults to 100', async () => {
    const sessions = await get(sim, org(sim, '/sessions'));
    expect(Object.keys(sessions.body).sort()).toEqual(['end_cursor', 'has_next_page', 'items', 'total']);
    expect(sessions.body.total).toBe(40);
    expect((sessions.body.items as JsonObject[]).length).toBe(40);
    const id = ids(sim.sessions(), 'session_id')[0] ?? '';
    expect((await get(sim, org(sim, `/sessions/${id}/messages`))).body.total).toBeNull();
    const big = await startSimulator({ sessions: 150, messagesPerSession: 0 });
    try {
      const page = await get(big, `/v3/organizations/${big.orgId}/sessions`);
      expect((page.body.items as JsonObject[]).length).toBe(100);
      expect(page.body.has_next_page).toBe(true);
    } finally {
      await big.close();
    }
  });

  it('rejects first outside 1..200, non-integers and unencoded or foreign cursors with 422 problem+json', async () => {
    for (const first of ['0', '201', '-1', 'abc', '1.5', '']) {
      const reply = await get(sim, org(sim, `/sessions?first=${first}`));
      expect(reply.status, `first=${first}`).toBe(422);
      expect(reply.type).toBe('application/problem+json');
      expect(reply.body).toMatchObject({ status: 422, title: 'Unprocessable Entity', type: 'about:blank' });
      expect(reply.body.instance).toBe(org(sim, '/sessions'));
      expect((reply.body.errors as JsonObject[])[0]).toMatchObject({ loc: ['query', 'first'] });
    }
    for (const first of ['1', '200'])
      expect((await get(sim, org(sim, `/playbooks?first=${first}`))).status).toBe(200);
    const page = await get(sim, org(sim, '/sessions?first=2'));
    const cursor = String(page.body.end_cursor);
    expect((await get(sim, org(sim, `/sessions?first=2&after=${cursor}`))).status).toBe(422);
    expect((await get(sim, org(sim, `/playbooks?after=${encodeURIComponent(cursor)}`))).status).toBe(422);
    expect((await get(sim, org(sim, '/sessions?after=bm90LWEtY3Vyc29y'))).status).toBe(422);
  });

  it('401 without or with an unknown token, as problem+json that never echoes the token', async () => {
    for (const token of [null, 'cog_unknown_token_123']) {
      const reply = await get(sim, org(sim, '/sessions'), token);
      expect(reply.status).toBe(401);
      expect(reply.type).toBe('application/problem+json');
      expect(reply.body).toMatchObject({ status: 401, title: 'Unauthorized', type: 'about:blank' });
      expect(JSON.stringify(reply.body)).not.toContain('cog_unknown');
    }
  });

  it('403 names the permission the endpoint needs', async () => {
    const none = sim.restrictedToken([]);
    const cases: [string, string][] = [
      ['/sessions', 'ViewOrgSessions'],
      ['/sessions/insights', 'ViewOrgSessions'],
      [`/sessions/${ids(sim.sessions(), 'session_id')[0]}/messages`, 'ViewOrgSessions'],
      ['/playbooks', 'ManageOrgPlaybooks'],
      ['/secrets', 'ManageOrgSecrets'],
      ['/knowledge/notes', 'ManageOrgKnowledge'],
    ];
    for (const [path, permission] of cases) {
      const reply = await get(sim, org(sim, path), none);
      expect(reply.status).toBe(403);
      expect(String(reply.body.detail)).toContain(permission);
      const allowed = await get(sim, org(sim, path), sim.restrictedToken([permission]));
      expect(allowed.status).toBe(200);
    }
    const playbooksOnly = sim.restrictedToken(['ManageOrgPlaybooks']);
    expect((await get(sim, org(sim, '/secrets'), playbooksOnly)).body.detail).toContain('ManageOrgSecrets');
  });

  it('404 for unknown routes, orgs and sessions; the session routes accept exactly devin-<hex>', async () => {
    const id = ids(sim.sessions(), 'session_id')[5] ?? '';
    expect(id).toMatch(/^devin-[0-9a-f]+$/);
    const one = await get(sim, org(sim, `/sessions/${id}`));
    expect(one.status).toBe(200);
    expect(one.body).toEqual([...sim.sessions()][5]);
    const notFound = [
      org(sim, '/nope'),
      org(sim, '/sessions/insights/extra'),
      '/v3/organizations/org-someone-else/sessions',
      '/v2/sessions',
      org(sim, `/sessions/${id.slice('devin-'.length)}/messages`),
      org(sim, `/sessions/${id.slice('devin-'.length)}`),
      org(sim, `/sessions/devin-devin-${id.slice('devin-'.length)}/messages`),
      org(sim, '/sessions/devin-0123456789abcdef0123456789abcdef/messages'),
      org(sim, `/sessions/${id}/messages/extra`),
    ];
    for (const path of notFound) {
      const reply = await get(sim, path);
      expect(reply.status, path).toBe(404);
      expect(reply.type).toBe('application/problem+json');
      expect(reply.body.instance).toBe(path);
    }
  });

  it('orders sessions and insights newest first, and both carry the same sessions', async () => {
    const sessions = (await get(sim, org(sim, '/sessions?first=200'))).body.items as JsonObject[];
    const insights = (await get(sim, org(sim, '/sessions/insights?first=200'))).body.items as JsonObject[];
    const created = sessions.map((row) => Number(row.created_at));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(ids(insights, 'session_id')).toEqual(ids(sessions, 'session_id'));
  });

  it('filters created_/updated_ after/before half-open, ignores unknown params, 422 on bad values', async () => {
    const all = [...sim.sessions()];
    const created = all.map((row) => Number(row.created_at));
    const after = created[30] ?? 0;
    const before = created[10] ?? 0;
    for (const path of ['/sessions', '/sessions/insights']) {
      const reply = await get(
        sim,
        org(sim, `${path}?first=200&created_after=${after}&created_before=${before}&colour=red`),
      );
      expect(ids(reply.body.items as JsonObject[], 'session_id')).toEqual(
        ids(all.slice(11, 31), 'session_id'),
      );
      expect(reply.body.total).toBe(20);
    }
    const updated = all.map((row) => Number(row.updated_at)).sort((a, b) => a - b);
    const mid = updated[20] ?? 0;
    const late = await readAll(sim, org(sim, `/sessions?updated_after=${mid}`), 4);
    expect(ids(late.items, 'session_id')).toEqual(
      ids(
        all.filter((row) => Number(row.updated_at) >= mid),
        'session_id',
      ),
    );
    const early = await get(sim, org(sim, `/sessions?first=200&updated_before=${mid}`));
    expect(ids(early.body.items as JsonObject[], 'session_id')).toEqual(
      ids(
        all.filter((row) => Number(row.updated_at) < mid),
        'session_id',
      ),
    );
    expect(early.body.total).toBe(all.filter((row) => Number(row.updated_at) < mid).length);
    const bad = await get(sim, org(sim, '/sessions?created_after=2024-01-01'));
    expect(bad.status).toBe(422);
    expect((bad.body.errors as JsonObject[])[0]).toMatchObject({ loc: ['query', 'created_after'] });
  });

  it('logs every request with its query parameters and status', async () => {
    sim.clearRequestLog();
    expect(sim.requestLog).toHaveLength(0);
    await get(sim, org(sim, '/sessions?first=5&tags=a&tags=b'));
    await get(sim, org(sim, '/sessions?first=500'));
    expect(sim.requestLog.map((entry) => [entry.method, entry.path, entry.status])).toEqual([
      ['GET', org(sim, '/sessions'), 200],
      ['GET', org(sim, '/sessions'), 422],
    ]);
    expect(sim.requestLog[0]?.query).toEqual({ first: ['5'], tags: ['a', 'b'] });
  });

  it('config() is a ready tap config', () => {
    expect(sim.config()).toEqual({ api_token: sim.token, org_id: 'org-sim0001', base_url: sim.baseUrl });
    expect(sim.token).toMatch(/^cog_/);
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
