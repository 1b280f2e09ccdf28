import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { apiFetch, orgPath } from './helpers/api-fetch.js';

async function page(sim: Simulator, rest: string): Promise<JsonObject> {
  const reply = await apiFetch(sim.baseUrl, orgPath(sim.orgId, rest), sim.token);
  return { ...reply.body, code: reply.status };
}

const items = (reply: JsonObject): JsonObject[] => reply.items as JsonObject[];
const maxUpdated = (rows: Iterable<JsonObject>): number =>
  Math.max(...[...rows].map((row) => Number(row.updated_at ?? 0)));
const everyUpdatedAt = (sim: Simulator): number =>
  Math.max(
    maxUpdated(sim.sessions()),
    maxUpdated(sim.playbooks()),
    maxUpdated(sim.secrets()),
    maxUpdated(sim.knowledgeNotes()),
  );

describe('simulator changes', () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  it('keyset cursors: sessions added or deleted mid-pagination neither shift nor duplicate the rest', async () => {
    sim = await startSimulator({ sessions: 30, messagesPerSession: 2 });
    const before = [...sim.sessions()].map((row) => String(row.session_id));
    const first = await page(sim, '/sessions?first=10');
    const added = sim.addSessions(5);
    sim.deleteSession(before[15] ?? '');
    const seen = items(first).map((row) => String(row.session_id));
    let cursor = String(first.end_cursor);
    for (;;) {
      const next = await page(sim, `/sessions?first=10&after=${encodeURIComponent(cursor)}`);
      seen.push(...items(next).map((row) => String(row.session_id)));
      if (!next.has_next_page) break;
      cursor = String(next.end_cursor);
    }
    expect(seen).toEqual(before.filter((id) => id !== before[15]));
    const fresh = await page(sim, '/sessions?first=5');
    expect(items(fresh).map((row) => row.session_id)).toEqual([...added].reverse());
    expect(fresh.total).toBe(34);
  });

  it('addSessions: newest first, created_at later than every timestamp before, with messages and insights', async () => {
    sim = await startSimulator({ sessions: 12 });
    const latest = everyUpdatedAt(sim);
    const [a, b] = sim.addSessions(2);
    const sessions = [...sim.sessions()];
    expect(sessions.slice(0, 2).map((row) => row.session_id)).toEqual([b, a]);
    for (const session of sessions.slice(0, 2)) {
      expect(Number(session.created_at)).toBeGreaterThan(latest);
      expect(session.updated_at).toBe(session.created_at);
    }
    const insights = [...sim.insights()];
    expect(insights.map((row) => row.session_id)).toEqual(sessions.map((row) => row.session_id));
    const one = await page(sim, `/sessions/${b}`);
    expect(one.code).toBe(200);
  });

  it('updateSession: status and new messages bump updated_at past everything; updated_after finds exactly it', async () => {
    sim = await startSimulator({ sessions: 20, messagesPerSession: 4 });
    const latest = everyUpdatedAt(sim);
    const target = [...sim.sessions()][7] ?? {};
    const id = String(target.session_id);
    const oldMessages = [...sim.messages(id)];
    sim.updateSession(id, { status: 'exit', newMessages: 3 });
    const updated = [...sim.sessions()][7] ?? {};
    expect(updated.status).toBe('exit');
    expect(updated.status_detail).toBe('finished');
    expect(Number(updated.updated_at)).toBeGreaterThan(latest);
    expect(updated.created_at).toBe(target.created_at);
    const messages = [...sim.messages(id)];
    expect(messages.slice(0, oldMessages.length)).toEqual(oldMessages);
    expect(messages.slice(oldMessages.length).map((row) => row.created_at)).toEqual(
      Array(3).fill(updated.updated_at),
    );
    const served = await page(sim, `/sessions/${id}/messages?first=200`);
    expect(items(served)).toEqual(messages);
    const since = await page(sim, `/sessions?updated_after=${latest + 1}`);
    expect(items(since).map((row) => row.session_id)).toEqual([id]);
    const insight = items(await page(sim, `/sessions/insights?updated_after=${latest + 1}`))[0] ?? {};
    expect(Number(insight.num_user_messages) + Number(insight.num_devin_messages)).toBe(messages.length);
    sim.updateSession(id, { newMessages: 1 });
    expect(Number([...sim.sessions()][7]?.updated_at)).toBeGreaterThan(Number(updated.updated_at));
    expect(() => sim.updateSession('devin-nope', { status: 'exit' })).toThrow(/unknown session/);
  });

  it('deleteSession: gone from lists, GET and messages (404)', async () => {
    sim = await startSimulator({ sessions: 10 });
    const id = String([...sim.sessions()][3]?.session_id);
    sim.deleteSession(id);
    expect([...sim.sessions()].map((row) => row.session_id)).not.toContain(id);
    expect([...sim.insights()]).toHaveLength(9);
    expect((await page(sim, `/sessions/${id}`)).code).toBe(404);
    expect((await page(sim, `/sessions/${id}/messages`)).code).toBe(404);
    expect((await page(sim, '/sessions')).total).toBe(9);
  });

  it('updatePlaybook bumps updated_at; deletePlaybook removes it', async () => {
    sim = await startSimulator({ sessions: 10, playbooks: 6 });
    const latest = everyUpdatedAt(sim);
    const [first, second] = [...sim.playbooks()].map((row) => String(row.playbook_id));
    sim.updatePlaybook(first ?? '');
    sim.deletePlaybook(second ?? '');
    const served = items(await page(sim, '/playbooks'));
    expect(served).toEqual([...sim.playbooks()]);
    expect(served.map((row) => row.playbook_id)).not.toContain(second);
    expect(Number(served[0]?.updated_at)).toBeGreaterThan(latest);
    expect(() => sim.updatePlaybook(second ?? '')).toThrow(/unknown id/);
  });
});
