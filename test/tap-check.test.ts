import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { checkConnection } from '../src/tap/check.js';
import { simConfig } from './tap-read-helpers.js';

const FAST = { backoff: { baseDelayMs: 5, maxDelayMs: 20, retryAfterCapMs: 100 } };

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('checkConnection', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 5, messagesPerSession: 2 });
  });
  afterAll(() => sim.close());

  it('succeeds with a full-permission token and probes each endpoint with first=1', async () => {
    sim.clearRequestLog();
    const result = await checkConnection(simConfig(sim), FAST);
    expect(result).toEqual({
      ok: true,
      message: 'Connected to org-sim0001: sessions are readable; every stream is readable',
      unreadable: [],
    });
    expect(sim.requestLog.length).toBe(6);
    for (const entry of sim.requestLog) expect(entry.query.first).toEqual(['1']);
    expect(sim.requestLog.some((entry) => entry.path.endsWith('/messages'))).toBe(true);
  });

  it('succeeds with sessions only and names each missing permission', async () => {
    const config = simConfig(sim, { api_token: sim.restrictedToken(['ViewOrgSessions']) });
    const result = await checkConnection(config, FAST);
    expect(result.ok).toBe(true);
    expect(result.unreadable).toEqual([
      { stream: 'playbooks', permission: 'ManageOrgPlaybooks' },
      { stream: 'secrets', permission: 'ManageOrgSecrets' },
      { stream: 'knowledge_notes', permission: 'ManageOrgKnowledge' },
    ]);
    expect(result.message).toContain(
      'the API token cannot read playbooks (needs ManageOrgPlaybooks), secrets (needs ManageOrgSecrets), knowledge_notes (needs ManageOrgKnowledge)',
    );
  });

  it('fails when sessions are unreadable, naming ViewOrgSessions', async () => {
    const token = sim.restrictedToken(['ManageOrgPlaybooks']);
    const result = await checkConnection(simConfig(sim, { api_token: token }), FAST);
    expect(result.ok).toBe(false);
    expect(result.unreadable.map((entry) => entry.stream)).toEqual(
      expect.arrayContaining(['sessions', 'sessions_insights', 'session_messages']),
    );
    expect(result.message).toContain('sessions (needs ViewOrgSessions)');
    expect(result.message).not.toContain(token);
  });

  it('fails for a rejected token without echoing it', async () => {
    const token = 'cog_wrongTOKEN123';
    const result = await checkConnection(simConfig(sim, { api_token: token }), FAST);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^the API token was rejected/);
    expect(result.message).not.toContain('wrongTOKEN');
  });

  it('fails for an unreachable base_url', async () => {
    const port = await closedPort();
    const config = simConfig(sim, { base_url: `http://127.0.0.1:${port}` });
    const result = await checkConnection(config, FAST);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(
      new RegExp(`^cannot reach the Devin API at http://127.0.0.1:${port}: .*ECONNREFUSED`),
    );
  });

  it('fails for an unknown organization', async () => {
    const result = await checkConnection(simConfig(sim, { org_id: 'org-nope' }), FAST);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/does not know organization org-nope .*Organization 'org-nope' not found/);
  });
});
