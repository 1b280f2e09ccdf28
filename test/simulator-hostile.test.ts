import { afterEach, describe, expect, it } from 'vitest';
import {
  HOSTILE_AT,
  SECRET_VALUE_PREFIX,
  type Simulator,
  SPECIAL,
  startSimulator,
} from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { apiFetch, membersPath, orgPath } from './helpers/api-fetch.js';

const ORG = { sessions: 12, messagesPerSession: 2, playbooks: 5, secrets: 4, knowledgeNotes: 3 };
const ALL = { millisecondCursor: true, keyless: true, nestedSecret: true, echoToken: true };

async function get(sim: Simulator, rest: string): Promise<JsonObject> {
  const reply = await apiFetch(sim.baseUrl, orgPath(sim.orgId, rest), sim.token);
  expect(reply.status).toBe(200);
  return reply.body;
}

const items = (reply: JsonObject): JsonObject[] => reply.items as JsonObject[];

function everything(sim: Simulator): Record<string, JsonObject[]> {
  const sessions = [...sim.sessions()];
  const ids = new Set(sessions.map((row) => String(row.session_id)));
  ids.add(String(sim.hostileTargets().keyless.sessionId));
  ids.delete('undefined');
  const messages = [...ids].flatMap((id) => [...sim.messages(id)]);
  return {
    sessions,
    insights: [...sim.insights()],
    messages,
    playbooks: [...sim.playbooks()],
    secrets: [...sim.secrets()],
    notes: [...sim.knowledgeNotes()],
    users: [...sim.users()],
  };
}

describe('simulator hostile modes', () => {
  const sims: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((sim) => sim.close()));
  });
  async function start(options: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
    const sim = await startSimulator(options);
    sims.push(sim);
    return sim;
  }

  it('off by default: the org equals one with every mode explicitly off; on, only the targets differ', async () => {
    const plain = await start(ORG);
    const off = await start({ ...ORG, hostile: { ...ALL, millisecondCursor: false, keyless: false } });
    off.setHostile({ nestedSecret: false, echoToken: false });
    expect(everything(off)).toEqual(everything(plain));
    const hostile = await start({ ...ORG, hostile: ALL });
    const before = everything(plain);
    const after = everything(hostile);
    const changed = (rows: JsonObject[], others: JsonObject[]): number[] =>
      rows.flatMap((row, n) => (JSON.stringify(row) === JSON.stringify(others[n]) ? [] : [n]));
    // Newest first: positions 0..2 are base sessions baseCount-1..baseCount-3.
    expect(changed(after.sessions ?? [], before.sessions ?? [])).toEqual([0, 1, 2]);
    expect(changed(after.playbooks ?? [], before.playbooks ?? [])).toEqual([0, 1, 2, 3]);
    expect(changed(after.secrets ?? [], before.secrets ?? [])).toEqual([0, 1, 2]);
    expect(changed(after.notes ?? [], before.notes ?? [])).toEqual([0, 1]);
    expect(changed(after.users ?? [], before.users ?? [])).toEqual([4, 5]);
  });

  it('millisecondCursor: updated_at in ms on one session and one playbook, served and filtered as numbers', async () => {
    const sim = await start({ ...ORG, hostile: { millisecondCursor: true } });
    const targets = sim.hostileTargets().millisecondCursor;
    const sessions = items(await get(sim, '/sessions?first=200'));
    const odd = sessions.filter((row) => Number(row.updated_at) > 1e12);
    expect(odd.map((row) => row.session_id)).toEqual([targets.sessionId]);
    expect(Number(odd[0]?.created_at)).toBeLessThan(2e9);
    // A seconds bookmark from long ago still finds it (ms compare as larger); updated_before in seconds does not.
    const after = items(await get(sim, '/sessions?first=200&updated_after=1900000000'));
    expect(after.map((row) => row.session_id)).toEqual([targets.sessionId]);
    const before = items(await get(sim, '/sessions?first=200&updated_before=1900000000'));
    expect(before.map((row) => row.session_id)).not.toContain(targets.sessionId);
    expect(before.length).toBe(sessions.length - 1);
    const playbooks = items(await get(sim, '/playbooks'));
    expect(playbooks.filter((row) => Number(row.updated_at) > 1e12).map((row) => row.playbook_id)).toEqual([
      targets.playbookId,
    ]);
    expect(Number.isInteger(playbooks[0]?.updated_at)).toBe(true);
  });

  it('keyless: a session without session_id (insights too), playbook ids null and empty, odd secret and note ids', async () => {
    const sim = await start({ ...ORG, hostile: { keyless: true } });
    const targets = sim.hostileTargets().keyless;
    const sessions = items(await get(sim, '/sessions'));
    expect(sessions.filter((row) => !('session_id' in row)).length).toBe(1);
    expect(items(await get(sim, '/sessions/insights')).filter((row) => !('session_id' in row)).length).toBe(
      1,
    );
    const keyless = await get(sim, `/sessions/${targets.sessionId}`);
    expect(keyless.session_id).toBeUndefined();
    expect(String(keyless.url)).toContain(String(targets.sessionId).slice('devin-'.length));
    expect(
      items(await get(sim, '/playbooks'))
        .map((row) => row.playbook_id)
        .slice(0, 3),
    ).toEqual([expect.stringMatching(/^playbook-/), null, '']);
    expect(items(await get(sim, '/secrets'))[HOSTILE_AT.keylessSecret]?.secret_id).toEqual({
      id: targets.secretId,
    });
    expect(items(await get(sim, '/knowledge/notes'))[HOSTILE_AT.keylessNote]?.note_id).toEqual([
      targets.noteId,
    ]);
    const members = await apiFetch(sim.baseUrl, membersPath(sim.orgId), sim.token);
    const listed = members.body.items as JsonObject[];
    expect(listed.filter((row) => row.user_id === null)).toHaveLength(1);
    expect(String(targets.userId)).toContain('|');
    // Changes still reach the keyless playbook by its internal id.
    sim.updatePlaybook(targets.playbookIds[0] ?? '');
    expect(Number([...sim.playbooks()][1]?.updated_at)).toBeGreaterThan(
      Number([...sim.playbooks()][4]?.updated_at),
    );
  });

  it('nestedSecret: a note {"value"} and wrong-typed fields, each hidden value a leak canary', async () => {
    const sim = await start({ ...ORG, hostile: { nestedSecret: true } });
    const secrets = items(await get(sim, '/secrets'));
    const nested = secrets[HOSTILE_AT.nestedSecret]?.note as JsonObject;
    expect(String(nested.value)).toMatch(new RegExp(`^${SECRET_VALUE_PREFIX}nested-[0-9a-f]{16}$`));
    const wrong = secrets[HOSTILE_AT.wrongTypedSecret] ?? {};
    expect(wrong).toMatchObject({ is_sensitive: 'true', secret_type: 42 });
    expect(typeof wrong.key).toBe('object');
    expect(Array.isArray(wrong.note)).toBe(true);
    const canaries = sim.leakCanaries();
    expect(canaries).toContain(sim.token);
    expect(canaries).toContain(nested.value);
    expect(canaries).toContain((wrong.key as JsonObject).value);
    expect(canaries).toContain((wrong.created_by as JsonObject).value);
    // The legacy extra `value` field is a canary too.
    expect(
      canaries.filter((value) => value.startsWith(`${SECRET_VALUE_PREFIX}value-`)).length,
    ).toBeGreaterThan(0);
  });

  it('echoToken: the token inside a session title, its first message, a playbook and a note body', async () => {
    const sim = await start({ ...ORG, messagesPerSession: 0, hostile: { echoToken: true } });
    const targets = sim.hostileTargets().echoToken;
    const session = await get(sim, `/sessions/${targets.sessionId}`);
    expect(String(session.title)).toContain(sim.token);
    const messages = items(await get(sim, `/sessions/${targets.sessionId}/messages`));
    expect(String(messages[0]?.message)).toContain(sim.token);
    const insight = items(await get(sim, '/sessions/insights')).find(
      (row) => row.session_id === targets.sessionId,
    );
    expect(Number(insight?.num_user_messages) + Number(insight?.num_devin_messages)).toBe(messages.length);
    expect(JSON.stringify(items(await get(sim, '/playbooks')))).toContain(sim.token);
    expect(JSON.stringify(items(await get(sim, '/knowledge/notes')))).toContain(sim.token);
    expect(JSON.stringify(items(await get(sim, '/secrets')))).not.toContain(sim.token);
    const member = [...sim.users()][HOSTILE_AT.tokenUser];
    expect(member?.user_id).toBe(targets.userId);
    expect(String(member?.name)).toContain(sim.token);
  });

  it('bigMessageMb: message #1 of the hugeMessage session is N MiB over HTTP; the others unchanged', async () => {
    const plain = await start(ORG);
    const sim = await start({ ...ORG, hostile: { bigMessageMb: 3 } });
    const id = sim.hostileTargets().bigMessage.sessionId;
    expect(id).toBe([...sim.sessions()].at(-1 - SPECIAL.hugeMessage)?.session_id);
    const served = items(await get(sim, `/sessions/${id}/messages?first=200`));
    const usual = [...plain.messages(String(id))];
    const big = String(served[1]?.message);
    expect(Buffer.byteLength(big)).toBeGreaterThanOrEqual(3 << 20);
    expect(Buffer.byteLength(big)).toBeLessThan(4 << 20);
    expect(big).toContain('café');
    expect(served.filter((_, n) => n !== 1)).toEqual(usual.filter((_, n) => n !== 1));
    expect([...sim.messages(String(id))][1]?.message).toBe(big);
  });

  it('setHostile switches modes while serving and rejects bad values', async () => {
    const sim = await start(ORG);
    const count = async (): Promise<number> =>
      items(await get(sim, '/sessions?updated_after=1900000000')).length;
    expect(await count()).toBe(0);
    sim.setHostile({ millisecondCursor: true });
    expect(await count()).toBe(1);
    expect(sim.options.hostile.millisecondCursor).toBe(true);
    sim.setHostile({ millisecondCursor: false });
    expect(await count()).toBe(0);
    expect(() => sim.setHostile({ bigMessageMb: -1 })).toThrow(/bigMessageMb/);
    expect(() => sim.setHostile({ keyless: 'yes' as unknown as boolean })).toThrow(/keyless/);
    expect(() => sim.setHostile({ nope: true } as never)).toThrow(/unknown hostile mode: nope/);
  });

  it('a small org has no targets where it lacks the records', async () => {
    const sim = await start({
      sessions: 5,
      playbooks: 1,
      secrets: 0,
      knowledgeNotes: 0,
      users: 4,
      hostile: ALL,
    });
    const targets = sim.hostileTargets();
    expect(targets.millisecondCursor).toEqual({ sessionId: null, playbookId: expect.any(String) });
    expect(targets.keyless).toEqual({
      sessionId: null,
      playbookIds: [],
      secretId: null,
      noteId: null,
      userId: null,
    });
    expect([...sim.sessions()].every((row) => typeof row.session_id === 'string')).toBe(true);
  });
});
