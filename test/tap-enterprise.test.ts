import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { parseConfig, type TapConfig } from '../src/tap/config.js';
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
      expect(orgsRead).toEqual(new Set(sim.orgIds.filter((id) => id !== second)));
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
});
