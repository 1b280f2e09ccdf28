/** The enterprise simulator (issue 18 item 5): several organizations behind one enterprise key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { ENTERPRISE_STREAMS, enterpriseKey, expectedEnterprise } from './enterprise-truth.js';
import { apiFetch, orgPath } from './helpers/api-fetch.js';

const DAY = 86_400;
const SIZE = {
  seed: 3,
  sessions: 60,
  messagesPerSession: 4,
  users: 12,
  playbooks: 9,
  secrets: 7,
  knowledgeNotes: 8,
};
let sim: Simulator;
let single: Simulator;
beforeAll(async () => {
  [sim, single] = await Promise.all([startSimulator({ ...SIZE, orgs: 3 }), startSimulator(SIZE)]);
});
afterAll(() => Promise.all([sim.close(), single.close()]));

const call = (path: string, token = sim.enterpriseToken) => apiFetch(sim.baseUrl, path, token);
const ent = (rest: string) => `/v3/enterprise/${rest}`;
const items = (body: JsonObject) => body.items as JsonObject[];
const cents = (value: unknown) => Math.round(Number(value ?? 0) * 100);
const product = (day: JsonObject, name: string) => cents((day.acus_by_product as JsonObject)[name]);

/** Every item of a v3 list, page by page (`first` small, cursors URL-encoded). */
async function all(path: string, first = 7, token = sim.enterpriseToken, cursor = ''): Promise<JsonObject[]> {
  const rows: JsonObject[] = [];
  let after = cursor === '' ? '' : `&after=${encodeURIComponent(cursor)}`;
  const join = path.includes('?') ? '&' : '?';
  for (;;) {
    const { status, body } = await call(`${path}${join}first=${first}${after}`, token);
    expect(status, path).toBe(200);
    rows.push(...items(body));
    if (!body.has_next_page) return rows;
    after = `&after=${encodeURIComponent(String(body.end_cursor))}`;
  }
}

function window() {
  const { cycleStart } = sim.billing();
  return { time_after: cycleStart - 120 * DAY, time_before: cycleStart + 40 * DAY };
}
const query = (w: { time_after: number; time_before: number }) =>
  `time_after=${w.time_after}&time_before=${w.time_before}`;

describe('enterprise simulator: organizations', () => {
  it('organization 1 answers byte for byte what the single-organization simulator answers', async () => {
    expect(sim.orgIds[0]).toBe(single.orgId);
    expect(sim.token).toBe(single.token);
    const session = String([...single.sessions()][5]?.session_id);
    const w = query(window());
    const paths = [
      orgPath(single.orgId, '/sessions?first=200'),
      orgPath(single.orgId, '/sessions/insights?first=50'),
      orgPath(single.orgId, `/sessions/${session}/messages`),
      orgPath(single.orgId, `/sessions/${session}/attachments`),
      orgPath(single.orgId, '/playbooks'),
      orgPath(single.orgId, '/secrets'),
      orgPath(single.orgId, '/knowledge/notes'),
      orgPath(single.orgId, '/schedules'),
      orgPath(single.orgId, `/consumption/daily?${w}`),
      orgPath(single.orgId, `/metrics/sessions?${w}`),
      `/v3beta1/organizations/${single.orgId}/members/users`,
      `/v3beta1/organizations/${single.orgId}/members/idp-users`,
      `/v3beta1/organizations/${single.orgId}/repositories`,
    ];
    for (const path of paths) {
      const [a, b] = await Promise.all([call(path, sim.token), apiFetch(single.baseUrl, path, single.token)]);
      expect(a.status, path).toBe(200);
      expect(JSON.stringify(a.body), path).toBe(JSON.stringify(b.body));
    }
  });

  it('lists its organizations; each answers with the enterprise key and its own key, not with another org key', async () => {
    const orgs = await all(ent('organizations'), 2);
    expect(orgs.map((org) => org.org_id)).toEqual([...sim.orgIds]);
    expect(orgs).toEqual(sim.enterprise.organizations());
    for (const org of orgs)
      expect(Object.keys(org).sort()).toEqual([
        'created_at',
        'max_cycle_acu_limit',
        'max_session_acu_limit',
        'name',
        'org_id',
        'updated_at',
      ]);
    const [first, second] = sim.orgIds as [string, string];
    const secrets = await call(orgPath(second, '/secrets'));
    expect(secrets.body.total).toBe([...sim.organization(second).secrets()].length);
    expect((await call(orgPath(second, '/secrets'), sim.orgToken(second))).status).toBe(200);
    const refused = await call(orgPath(second, '/secrets'), sim.token);
    expect(refused.status).toBe(403);
    expect(String(refused.body.detail)).toContain(first);
    expect((await call(orgPath('org-nowhere', '/secrets'))).status).toBe(404);
  });

  it('gives every organization its own data, ids unique across the enterprise, some members in several orgs', () => {
    const truth = expectedEnterprise(sim, { window: window() });
    for (const stream of ENTERPRISE_STREAMS) {
      const rows = truth[stream] ?? [];
      const keys = new Set(rows.map((row) => enterpriseKey(stream, row)));
      expect(keys.size, stream).toBe(rows.length);
    }
    const [, second, third] = sim.orgIds as [string, string, string];
    expect([...sim.organization(second).sessions()].length).toBe(20);
    expect([...sim.organization(third).sessions()].every((row) => row.org_id === third)).toBe(true);
    const shared = sim.enterprise
      .users()
      .filter((user) => (user.role_assignments as JsonObject[]).filter((a) => a.org_id).length > 1);
    expect(shared.length).toBeGreaterThan(1);
    for (const stream of [
      'sessions',
      'playbooks',
      'secrets',
      'audit_logs',
      'consumption_by_org',
      'billing_cycles',
      'acu_limits',
      'metrics_categories',
    ])
      expect((truth[stream] ?? []).length, stream).toBeGreaterThan(0);
  });
});

describe('enterprise simulator: lists', () => {
  it('pages sessions of every org newest first, exactly once, and org_ids limits them', async () => {
    const rows = await all(ent('sessions'));
    const truth = sim.orgIds.flatMap((id) => [...sim.organization(id).sessions()]);
    expect(rows).toHaveLength(truth.length);
    expect(new Set(rows.map((row) => row.session_id)).size).toBe(truth.length);
    expect([...rows].sort((a, b) => String(a.session_id).localeCompare(String(b.session_id)))).toEqual(
      [...truth].sort((a, b) => String(a.session_id).localeCompare(String(b.session_id))),
    );
    const times = rows.map((row) => Number(row.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const second = sim.orgIds[1] as string;
    const limited = await all(ent(`sessions/insights?org_ids=${second}`), 9);
    expect(limited).toEqual([...sim.organization(second).insights()]);
    const recent = await call(ent(`sessions?created_after=${times[10]}`));
    expect(recent.body.total).toBe(truth.filter((row) => Number(row.created_at) >= Number(times[10])).length);
  });

  it('keeps its cursor when sessions are added mid-pagination; updated_after finds the changed ones', async () => {
    const before = sim.orgIds
      .flatMap((id) => [...sim.organization(id).sessions()])
      .map((row) => row.session_id);
    const firstPage = await call(ent('sessions?first=10'));
    const third = sim.orgIds[2] as string;
    const [added] = sim.organization(third).addSessions(1);
    const rest = await all(ent('sessions'), 13, sim.enterpriseToken, String(firstPage.body.end_cursor));
    const seen = [...items(firstPage.body), ...rest].map((row) => row.session_id);
    expect(seen).toHaveLength(before.length);
    expect(new Set(seen)).toEqual(new Set(before));
    const since = Number([...sim.organization(third).sessions()][0]?.created_at);
    const changed = String([...sim.organization(sim.orgIds[1] as string).sessions()][4]?.session_id);
    sim.organization(sim.orgIds[1] as string).updateSession(changed, { status: 'exit' });
    const fresh = await all(ent(`sessions?updated_after=${since}`));
    expect(fresh.map((row) => row.session_id).sort()).toEqual([added, changed].sort());
  });

  it('serves messages and attachments with org_id, playbooks and notes across orgs', async () => {
    const third = sim.orgIds[2] as string;
    const org = sim.organization(third);
    const session = String(
      [...org.sessions()].find((row) => [...org.messages(String(row.session_id))].length > 3)?.session_id,
    );
    expect(await all(ent(`sessions/${session}/messages?org_id=${third}`), 2)).toEqual([
      ...org.messages(session),
    ]);
    const attachments = await call(ent(`sessions/${session}/attachments?org_id=${third}`));
    expect(attachments.body).toEqual(org.attachments(session));
    expect((await call(ent(`sessions/${session}/messages`))).status).toBe(422);
    expect((await call(ent(`sessions/${session}/messages?org_id=${sim.orgId}`))).status).toBe(404);
    const truth = expectedEnterprise(sim, { window: window() });
    expect(await all(ent('playbooks'), 4)).toEqual(truth.playbooks);
    expect(await all(ent('knowledge/notes'), 5)).toEqual(truth.knowledge_notes);
  });

  it('lists members once each (email filter), IdP users, service users, IdP groups and roles', async () => {
    const users = await all(ent('members/users'), 6);
    expect(users).toEqual(sim.enterprise.users());
    const email = String(users.find((user) => typeof user.email === 'string')?.email);
    const hit = await call(ent(`members/users?email=${encodeURIComponent(email)}`));
    expect(items(hit.body).map((user) => user.email)).toEqual([email]);
    for (const assignment of users.flatMap((user) => user.role_assignments as JsonObject[]))
      expect(['org', 'enterprise']).toContain((assignment.role as JsonObject).role_type);
    expect(await all(ent('members/idp-users'), 3)).toEqual(sim.enterprise.idpUsers());
    expect(await all(ent('members/service-users'), 3)).toEqual(sim.enterprise.serviceUsers());
    expect(await all(ent('members/idp-groups'), 2)).toEqual(sim.enterprise.idpGroups());
    expect(await all(ent('roles'), 2)).toEqual(sim.enterprise.roles());
    const second = sim.orgIds[1] as string;
    const ofSecond = await all(ent(`organizations/${second}/members/users`));
    expect(ofSecond.map((user) => user.user_id).sort()).toEqual(
      [...sim.organization(second).users()].map((user) => user.user_id).sort(),
    );
  });
});

describe('enterprise simulator: keys', () => {
  const paths = [
    'organizations',
    'sessions',
    'members/users',
    'roles',
    'consumption/daily',
    'consumption/cycles',
    'audit-logs',
    'metrics/prs?time_after=0&time_before=1',
  ];

  it('an organization key gets 403 on every enterprise path but self; self names no org for the enterprise key', async () => {
    for (const path of paths) {
      const reply = await call(ent(path), sim.orgToken(sim.orgIds[1] as string));
      expect(reply.status, path).toBe(403);
      expect(reply.type).toContain('application/problem+json');
      expect(String(reply.body.detail)).toMatch(/enterprise service user's key/);
    }
    expect((await call(ent('self'), sim.token)).body.org_id).toBe(sim.orgId);
    expect((await call(ent('self'))).body.org_id).toBeNull();
  });

  it('an enterprise key without ManageBilling gets 403 on the consumption routes only', async () => {
    for (const path of paths) {
      const reply = await call(ent(path), sim.noBillingToken);
      if (path.startsWith('consumption')) {
        expect(reply.status, path).toBe(403);
        expect(reply.body.required_permission).toBe('ManageBilling');
      } else expect(reply.status, path).toBe(200);
    }
    const limits = await call(
      ent('consumption/acu-limits/devin'),
      sim.enterpriseTokenWithout(['ManageEnterpriseSettings']),
    );
    expect(limits.status).toBe(200);
    expect(
      (await call(ent('audit-logs'), sim.enterpriseTokenWithout(['ManageEnterpriseSettings']))).status,
    ).toBe(403);
  });

  it('denyOrgPath makes one org refuse one path to the enterprise key, the others unharmed', async () => {
    const [first, second] = sim.orgIds as [string, string];
    sim.denyOrgPath(second, 'secrets');
    try {
      const refused = await call(orgPath(second, '/secrets'));
      expect(refused.status).toBe(403);
      expect(String(refused.body.detail)).toContain(second);
      expect(refused.body.required_permission).toBe('ManageOrgSecrets');
      expect((await call(orgPath(first, '/secrets'))).status).toBe(200);
      expect((await call(orgPath(second, '/playbooks'))).status).toBe(200);
      expect((await call(orgPath(second, '/secrets'), sim.orgToken(second))).status).toBe(200);
    } finally {
      sim.denyOrgPath(second, 'secrets', false);
    }
    expect((await call(orgPath(second, '/secrets'))).status).toBe(200);
  });
});

describe('enterprise simulator: cost', () => {
  it('per-org days leave out Cascade and Terminal; the enterprise total is every org whole', async () => {
    const w = window();
    const total = (await call(ent(`consumption/daily?${query(w)}`))).body;
    const perOrg = await Promise.all(
      sim.orgIds.map((id) => call(ent(`consumption/daily/organizations/${id}?${query(w)}`))),
    );
    const byDay = new Map<number, number>();
    for (const { body } of perOrg) {
      for (const day of body.consumption_by_date as JsonObject[]) {
        expect(product(day, 'cascade') + product(day, 'terminal')).toBe(0);
        byDay.set(Number(day.date), (byDay.get(Number(day.date)) ?? 0) + cents(day.acus));
      }
    }
    const whole = sim.orgIds.map(
      (id) => sim.organization(id).consumptionDaily(w).consumption_by_date as JsonObject[],
    );
    let unowned = 0;
    for (const day of total.consumption_by_date as JsonObject[]) {
      const date = Number(day.date);
      const sum = whole.reduce((acc, days) => acc + cents(days.find((d) => d.date === date)?.acus), 0);
      expect(cents(day.acus), String(date)).toBe(sum);
      expect(cents(day.acus) - (byDay.get(date) ?? 0)).toBe(
        product(day, 'cascade') + product(day, 'terminal'),
      );
      unowned += product(day, 'cascade') + product(day, 'terminal');
    }
    expect(unowned).toBeGreaterThan(0);
  });

  it('a member of several orgs has the sum of its days in each; cycles and limits', async () => {
    const w = window();
    const user = sim.enterprise
      .users()
      .find((row) => (row.role_assignments as JsonObject[]).filter((a) => a.org_id).length > 1);
    const id = String(user?.user_id);
    const reply = (await call(ent(`consumption/daily/users/${encodeURIComponent(id)}?${query(w)}`))).body;
    const inOrgs = sim.orgIds.flatMap((orgId) => {
      const org = sim.organization(orgId);
      return [...org.users()].some((row) => row.user_id === id) ? [org.userConsumption(id, w)] : [];
    });
    expect(inOrgs.length).toBeGreaterThan(1);
    expect(cents(reply.total_acus)).toBe(inOrgs.reduce((sum, body) => sum + cents(body.total_acus), 0));
    expect((await call(ent('consumption/daily/users/email%7Cnobody'))).status).toBe(404);
    const cycles = await all(ent('consumption/cycles'), 5);
    expect(cycles).toEqual(sim.enterprise.billingCycles());
    for (const [n, cycle] of cycles.entries()) if (n > 0) expect(cycle.after).toBe(cycles[n - 1]?.before);
    expect(Number(cycles.at(-1)?.before)).toBeGreaterThan(sim.billing().lastDay);
    const limits = await all(ent('consumption/acu-limits/devin'));
    expect(new Set(limits.map((row) => row.scope))).toEqual(new Set(['enterprise', 'org', 'user']));
  });
});

describe('enterprise simulator: audit log and metrics', () => {
  it('pages the audit log both ways and enforces the 100-day range', async () => {
    const truth = sim.enterprise.auditLogs();
    expect(truth.length).toBeGreaterThan(200);
    const first = Number(truth[0]?.created_at);
    const last = Number(truth.at(-1)?.created_at);
    expect(last - first).toBeGreaterThan(150 * DAY);
    expect(await all(ent('audit-logs?order=asc'), 50)).toEqual(truth);
    expect(await all(ent('audit-logs'), 200)).toEqual([...truth].reverse());
    const from = last - 100 * DAY;
    const ranged = await all(
      ent(`audit-logs?order=asc&time_after=${from}&time_before=${last + 1 - DAY}`),
      60,
    );
    expect(ranged).toEqual(
      truth.filter((row) => Number(row.created_at) >= from && Number(row.created_at) < last + 1 - DAY),
    );
    expect((await call(ent(`audit-logs?time_after=${from - 2 * DAY}&time_before=${last}`))).status).toBe(422);
    expect((await call(ent(`audit-logs?time_before=${last}`))).status).toBe(422);
    const second = sim.orgIds[1] as string;
    const action = String(truth[0]?.action);
    const filteredRows = await all(ent(`organizations/${second}/audit-logs?order=asc&action=${action}`), 5);
    expect(filteredRows).toEqual(truth.filter((row) => row.org_id === second && row.action === action));
  });

  it('grows when a test changes data, in the organization changed', async () => {
    const before = sim.enterprise.auditLogs().length;
    const second = sim.orgIds[1] as string;
    const [added] = sim.organization(second).addSessions(1);
    const member = String([...sim.users()][1]?.user_id);
    sim.updateUser(member, { name: 'Renamed Member' });
    const newest = items((await call(ent('audit-logs?first=2'))).body);
    expect(sim.enterprise.auditLogs()).toHaveLength(before + 2);
    expect(newest.map((row) => [row.action, row.org_id])).toEqual([
      ['member.updated', sim.orgId],
      ['session.created', second],
    ]);
    expect(((newest[1]?.data ?? {}) as JsonObject).session_id).toBe(added);
    const since = Number(newest[1]?.created_at);
    const tail = items((await call(ent(`audit-logs?order=asc&time_after=${since}`))).body);
    expect(tail.map((row) => row.action)).toEqual(['session.created', 'member.updated']);
  });

  it('answers metrics over the orgs org_ids names, and sessions by category consistent with them', async () => {
    const sessions = sim.orgIds.flatMap((id) => [...sim.organization(id).sessions()]);
    const times = sessions.map((row) => Number(row.created_at));
    const after = Math.min(...times);
    const before = Math.max(...times) + 1;
    const w = `time_after=${after}&time_before=${before}`;
    const metric = (await call(ent(`metrics/sessions?${w}`))).body;
    expect(metric.sessions_created_count).toBe(sessions.length);
    const second = sim.orgIds[1] as string;
    const one = (await call(ent(`metrics/sessions?${w}&org_ids=${second}`))).body;
    expect(one.sessions_created_count).toBe([...sim.organization(second).sessions()].length);
    const { body } = await call(ent(`metrics/sessions-by-category?${w}`));
    const categories = body.categories as JsonObject[];
    expect(categories).toEqual(sim.enterprise.sessionsByCategory(after, before));
    expect(categories.reduce((sum, row) => sum + Number(row.sessions_count), 0)).toBe(sessions.length);
    expect(categories.reduce((sum, row) => sum + cents(row.acus), 0)).toBe(
      sessions.reduce((sum, row) => sum + cents(row.acus_consumed), 0),
    );
    const bugs = categories.find((row) => row.category === 'bug_fixing');
    const subs = ((bugs?.subcategories ?? []) as JsonObject[]).reduce(
      (sum, row) => sum + Number(row.sessions_count),
      0,
    );
    expect(subs).toBe(
      sessions.filter((row) => row.category === 'bug_fixing' && row.subcategory !== null).length,
    );
    const mau = (await call(ent(`metrics/mau?${w}`))).body as unknown as JsonObject[];
    expect(mau.length).toBeGreaterThan(1);
  });
});
