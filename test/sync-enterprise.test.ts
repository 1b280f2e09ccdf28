import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { ENTERPRISE_STREAMS, enterpriseKey, expectedEnterprise } from './enterprise-truth.js';
import { databaseRows, withoutNulls } from './helpers/database-rows.js';
import { writeJson } from './helpers/run-cli.js';
import { databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS } from './targets-helpers.js';

const DAY = 86_400;
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** Everything but the opt-in personal streams' heaviest (messages stay in: exactness of a child list). */
const STREAMS = ENTERPRISE_STREAMS.join(',');

function keyed(stream: string, rows: readonly JsonObject[]): Map<string, JsonObject> {
  return new Map(rows.map((row) => [enterpriseKey(stream, row), withoutNulls(row)]));
}

describe.each(KINDS)('%s: devin-tap sync --scope enterprise', (kind) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 60, messagesPerSession: 2, users: 10, seed: 8, orgs: 3 });
  });
  afterAll(() => sim.close());

  const configOf = (dir: string, extra: JsonObject = {}) =>
    writeJson(dir, `enterprise-${Math.random().toString(36).slice(2)}.json`, {
      ...sim.enterpriseConfig(),
      page_size: 50,
      ...extra,
    });

  it('fills one database with every organization, exactly, and a rerun reads audit logs from the bookmark', async () => {
    const dir = syncTempDir();
    const database = databasePath(dir, kind);
    const config = configOf(dir);
    const first = await runSync(syncArgs(config, kind, database, STREAMS));
    expect(first.code, first.stderr).toBe(0);
    const expected = expectedEnterprise(sim, { now: nowSeconds(), metricsFrom: nowSeconds() - 90 * DAY });
    for (const stream of ENTERPRISE_STREAMS) {
      const rows = await databaseRows(kind, database, stream, 'enterprise');
      expect(keyed(stream, rows), stream).toEqual(keyed(stream, expected[stream] ?? []));
    }
    const [orgId] = sim.orgIds;
    const [added] = sim.organization(String(orgId)).addSessions(1);
    sim.clearRequestLog();
    const second = await runSync(syncArgs(config, kind, database, STREAMS));
    expect(second.code, second.stderr).toBe(0);
    const sessionIds = (await databaseRows(kind, database, 'sessions', 'enterprise')).map(
      (row) => row.session_id,
    );
    expect(sessionIds).toContain(added);
    // The audit log: asked from a day before the bookmark, not from the start of its history.
    const audit = sim.requestLog.filter((entry) => entry.path === '/v3/enterprise/audit-logs');
    const latest = Math.max(...(expected.audit_logs ?? []).map((row) => Number(row.created_at)));
    expect(audit.length).toBeGreaterThan(0);
    for (const entry of audit)
      expect(Number(entry.query.time_after)).toBeGreaterThanOrEqual(latest - 2 * DAY);
    const logs = await databaseRows(kind, database, 'audit_logs', 'enterprise');
    expect(logs.length).toBeGreaterThan((expected.audit_logs ?? []).length);
  });

  it('without --streams reads the enterprise default streams (the opt-in ones left out)', async () => {
    const dir = syncTempDir();
    const database = databasePath(dir, kind);
    const run = await runSync(['--config', configOf(dir), '--target', kind, '--database', database]);
    expect(run.code, run.stderr).toBe(0);
    const streams = (run.summary?.streams ?? []).map((row) => row.stream);
    expect(streams).toContain('organizations');
    expect(streams).toContain('audit_logs');
    expect(streams).not.toContain('session_messages');
    expect(streams).not.toContain('session_attachments');
  });

  it('refuses an org-scoped key, and a database of the other scope, before anything changes', async () => {
    const dir = syncTempDir();
    const fresh = databasePath(dir, kind, 'never');
    const wrongKey = await runSync(
      syncArgs(configOf(dir, { api_token: sim.token }), kind, fresh, 'organizations,sessions'),
    );
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.stderr).toMatch(/not an enterprise key.*organization/);
    expect(wrongKey.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(fresh)).toBe(false);

    const orgDatabase = databasePath(dir, kind, 'org');
    const orgConfig = writeJson(dir, 'org.json', { ...sim.config() });
    expect((await runSync(syncArgs(orgConfig, kind, orgDatabase, 'sessions'))).code).toBe(0);
    const before = await databaseRows(kind, orgDatabase, 'sessions');
    const mixed = await runSync(syncArgs(configOf(dir), kind, orgDatabase, 'sessions'));
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr).toMatch(
      /holds one organization \(scope organization\).*enterprise \(scope enterprise\)/s,
    );
    expect(await databaseRows(kind, orgDatabase, 'sessions')).toEqual(before);
  });
});
