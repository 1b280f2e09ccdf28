import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { checkConnection } from '../src/tap/check.js';
import { parseConfig, type TapConfig } from '../src/tap/config.js';
import { checkEnterpriseKey } from '../src/tap/enterprise-key.js';
import { ENTERPRISE_STREAMS as DEFINED } from '../src/tap/streams/index.js';
import { ENTERPRISE_KEYS, ENTERPRISE_STREAMS, expectedEnterprise } from './enterprise-truth.js';
import { byKey, collect, configured, finalState, recordsOf, statusesOf } from './tap-read-helpers.js';

const DAY = 86_400;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function enterpriseConfig(sim: Simulator, overrides: Record<string, unknown> = {}): TapConfig {
  return parseConfig({ ...sim.enterpriseConfig(), page_size: 50, max_concurrency: 4, ...overrides }, {});
}

describe('enterprise scope: one key, every organization', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 120, messagesPerSession: 2, users: 12, seed: 5, orgs: 3 });
  });
  afterAll(() => sim.close());

  it('declares every stream of the contract, with its key', () => {
    const declared = Object.fromEntries(DEFINED.map((def) => [def.name, def.primaryKey]));
    expect(declared).toEqual(ENTERPRISE_KEYS);
  });

  it('reads every enterprise stream exactly as the simulator serves it', async () => {
    const events = await collect(enterpriseConfig(sim), configured(ENTERPRISE_STREAMS, 'incremental'));
    const expected = expectedEnterprise(sim, { now: nowSeconds(), metricsFrom: nowSeconds() - 90 * DAY });
    for (const stream of ENTERPRISE_STREAMS) {
      const keys = ENTERPRISE_KEYS[stream] ?? [];
      expect(statusesOf(events, stream), stream).toEqual(['started', 'running', 'complete']);
      expect(byKey(recordsOf(events, stream), keys), stream).toEqual(byKey(expected[stream] ?? [], keys));
    }
    const orgsOfSessions = new Set(recordsOf(events, 'sessions').map((session) => session.org_id));
    expect(orgsOfSessions.size).toBe(3);
  });

  it('org_ids limits the organizations; adding one reads only it from the start', async () => {
    const [first, second, third] = sim.orgIds;
    const perOrg = ['organizations', 'secrets', 'metrics_prs', 'sessions'];
    const limited = enterpriseConfig(sim, { org_ids: [first, second] });
    const before = await collect(limited, configured(perOrg, 'incremental'));
    const seen = (stream: string, events = before) =>
      new Set(recordsOf(events, stream).map((record) => record.org_id));
    for (const stream of perOrg) expect(seen(stream), stream).toEqual(new Set([first, second]));
    sim.clearRequestLog();
    const all = enterpriseConfig(sim, { org_ids: [first, second, third] });
    const after = await collect(all, configured(perOrg, 'incremental'), { state: finalState(before) });
    const metricsRequests = sim.requestLog.filter((entry) => entry.path.includes('/metrics/prs'));
    const byOrg = (orgId: string | undefined) =>
      metricsRequests.filter((entry) => entry.path.includes(`/${orgId}/`)).length;
    // The new organization's whole history; the others only their trailing days.
    expect(byOrg(third)).toBeGreaterThanOrEqual(89);
    expect(byOrg(first)).toBeLessThanOrEqual(5);
    expect(seen('metrics_prs', after).has(third)).toBe(true);
    // An enterprise list keeps one bookmark: read from the start once it covers a new organization.
    const thirdSessions = [...sim.organization(String(third)).sessions()].map((s) => s.session_id).sort();
    const readSessions = recordsOf(after, 'sessions').filter((s) => s.org_id === third);
    expect(readSessions.map((s) => s.session_id).sort()).toEqual(thirdSessions);
    const state = finalState(after).sessions as { org_ids?: unknown };
    expect(state.org_ids).toEqual([first, second, third]);
  });

  it('a 403 in one organization fails that part only, naming the org and the permission', async () => {
    const [, second] = sim.orgIds;
    sim.denyOrgPath(String(second), 'secrets');
    try {
      const events = await collect(
        enterpriseConfig(sim),
        configured(['secrets', 'schedules'], 'incremental'),
      );
      expect(statusesOf(events, 'schedules')).toEqual(['started', 'running', 'complete']);
      expect(statusesOf(events, 'secrets').at(-1)).toBe('incomplete');
      const error = events.find((event) => event.kind === 'stream_error' && event.stream === 'secrets');
      expect(error && 'message' in error ? error.message : '').toMatch(
        new RegExp(`organization ${second}.*ManageOrgSecrets`),
      );
      const orgsRead = new Set(recordsOf(events, 'secrets').map((record) => record.org_id));
      const others = sim.orgIds.filter((id) => id !== second);
      expect(orgsRead).toEqual(new Set(others));
      // A full refresh replaces the rows of the organizations read in full: not the failed one's.
      const coverage = error && 'coverage' in error ? error.coverage : undefined;
      expect(coverage?.values?.values.slice().sort()).toEqual([...others].sort());
      const complete = events.find(
        (event) => event.kind === 'status' && event.stream === 'schedules' && event.status === 'complete',
      );
      expect(complete && 'coverage' in complete ? complete.coverage?.values?.values.length : 0).toBe(3);
      // The state came before the error: what was read is kept.
      const kinds = events
        .filter((event) => 'stream' in event && event.stream === 'secrets')
        .map((e) => e.kind);
      expect(kinds.lastIndexOf('state')).toBeLessThan(kinds.indexOf('stream_error'));
    } finally {
      sim.denyOrgPath(String(second), 'secrets', false);
    }
  });

  it('a key without ManageBilling: the cost streams fail naming it, the others complete', async () => {
    const config = enterpriseConfig(sim, { api_token: sim.noBillingToken });
    const events = await collect(
      config,
      configured(['consumption_daily', 'billing_cycles', 'roles'], 'incremental'),
    );
    expect(statusesOf(events, 'roles').at(-1)).toBe('complete');
    for (const stream of ['consumption_daily', 'billing_cycles']) {
      expect(statusesOf(events, stream).at(-1), stream).toBe('incomplete');
      const error = events.find((event) => event.kind === 'stream_error' && event.stream === stream);
      expect(error && 'message' in error ? error.message : '').toContain('ManageBilling');
    }
  });

  it('names org_ids the enterprise does not have, and a key that cannot list the organizations', async () => {
    const typo = enterpriseConfig(sim, { org_ids: [sim.orgIds[0], 'org-typo'] });
    await expect(checkEnterpriseKey(typo)).rejects.toThrow(
      /"org_ids" names organization\(s\) this enterprise does not have: org-typo \(it has org-/,
    );
    const cannotList = enterpriseConfig(sim, {
      api_token: sim.enterpriseTokenWithout(['ManageOrganizations']),
    });
    await expect(checkEnterpriseKey(cannotList)).rejects.toThrow(
      /enterprise key's role lacks the ManageOrganizations/,
    );
    const orgKey = enterpriseConfig(sim, { api_token: sim.token });
    await expect(checkEnterpriseKey(orgKey)).rejects.toThrow(/not an enterprise key.*organization org-/);
  });

  it('check probes each organization of a per-org stream and names the one that refuses', async () => {
    const [, second] = sim.orgIds;
    sim.denyOrgPath(String(second), 'secrets');
    try {
      const result = await checkConnection(enterpriseConfig(sim));
      expect(result.message).toMatch(new RegExp(`secrets: organization ${second}: .*ManageOrgSecrets`));
      expect(result.message).not.toMatch(/schedules:/);
    } finally {
      sim.denyOrgPath(String(second), 'secrets', false);
    }
  });
});
