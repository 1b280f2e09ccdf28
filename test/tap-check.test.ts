import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/simulator/auth.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { checkConnection } from '../src/tap/check.js';
import { STREAMS } from '../src/tap/streams/index.js';
import { closedPort } from './helpers/local-server.js';
import { simConfig } from './tap-read-helpers.js';

const FAST = { backoff: { baseDelayMs: 5, maxDelayMs: 20, retryAfterCapMs: 100 } };

describe('checkConnection', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 5, messagesPerSession: 2, users: 3 });
  });
  afterAll(() => sim.close());

  it('succeeds with a full-permission token and probes each endpoint with first=1', async () => {
    sim.clearRequestLog();
    const result = await checkConnection(simConfig(sim), FAST);
    expect(result).toEqual({
      ok: true,
      message: 'Connected to org-sim0001: sessions are readable; every stream is readable',
      unreadable: [],
      nothingToProbe: [],
    });
    expect(sim.requestLog.length).toBe(STREAMS.length);
    for (const entry of sim.requestLog) {
      if (entry.path.includes('/consumption/') || entry.path.includes('/metrics/')) {
        expect(Object.keys(entry.query).sort()).toEqual(['time_after', 'time_before']);
      } else if (entry.path.endsWith('/schedules')) {
        expect(entry.query).toEqual({ limit: ['1'], offset: ['0'] });
      } else if (entry.path.endsWith('/attachments')) {
        expect(entry.query).toEqual({});
      } else if (entry.path.endsWith('/repositories')) {
        expect(entry.query).toEqual({ first: ['1'], load_indexing_status: ['true'] });
      } else expect(entry.query.first).toEqual(['1']);
    }
    expect(sim.requestLog.some((entry) => entry.path.endsWith('/messages'))).toBe(true);
    const firstUser = encodeURIComponent(String([...sim.users()][0]?.user_id));
    expect(sim.requestLog.some((entry) => entry.path.endsWith(`/consumption/daily/users/${firstUser}`))).toBe(
      true,
    );
  });

  it('succeeds with sessions only and names each missing permission', async () => {
    const config = simConfig(sim, { api_token: sim.restrictedToken(['ViewOrgSessions']) });
    const result = await checkConnection(config, FAST);
    expect(result.ok).toBe(true);
    expect(result.unreadable).toEqual([
      { stream: 'playbooks', permission: 'ManageOrgPlaybooks' },
      { stream: 'secrets', permission: 'ManageOrgSecrets' },
      { stream: 'knowledge_notes', permission: 'ManageOrgKnowledge' },
      { stream: 'users', permission: 'ViewOrgMembership' },
      { stream: 'consumption_daily', permission: 'ViewOrgConsumption' },
      { stream: 'idp_users', permission: 'ViewOrgMembership' },
      { stream: 'schedules', permission: 'ManageOrgSchedules' },
      { stream: 'repositories', permission: 'ViewOrgRepositories' },
      { stream: 'metrics_active_users', permission: 'ViewOrgMetrics' },
      { stream: 'metrics_prs', permission: 'ViewOrgMetrics' },
      { stream: 'metrics_sessions', permission: 'ViewOrgMetrics' },
      { stream: 'metrics_searches', permission: 'ViewOrgMetrics' },
    ]);
    expect(result.message).toContain(
      'the API token cannot read playbooks (needs ManageOrgPlaybooks), secrets (needs ManageOrgSecrets), knowledge_notes (needs ManageOrgKnowledge), users (needs ViewOrgMembership), consumption_daily (needs ViewOrgConsumption)',
    );
    expect(result.message).toContain('consumption_by_user: not checked (users unreadable)');
  });

  it('names ViewOrgConsumption for both consumption streams when only it is missing', async () => {
    const token = sim.restrictedToken(PERMISSIONS.filter((name) => name !== 'ViewOrgConsumption'));
    const result = await checkConnection(simConfig(sim, { api_token: token }), FAST);
    expect(result.ok).toBe(true);
    expect(result.unreadable).toEqual([
      { stream: 'consumption_daily', permission: 'ViewOrgConsumption' },
      { stream: 'consumption_by_user', permission: 'ViewOrgConsumption' },
    ]);
  });

  it('names ViewOrgMembership for users when only it is missing', async () => {
    const token = sim.restrictedToken(PERMISSIONS.filter((name) => name !== 'ViewOrgMembership'));
    const result = await checkConnection(simConfig(sim, { api_token: token }), FAST);
    expect(result.unreadable).toEqual([
      { stream: 'users', permission: 'ViewOrgMembership' },
      { stream: 'idp_users', permission: 'ViewOrgMembership' },
    ]);
    expect(result.message).toContain('users (needs ViewOrgMembership)');
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
