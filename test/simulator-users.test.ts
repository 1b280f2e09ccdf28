import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_DAY_START, PRODUCTS, type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { apiFetch, membersPath, orgPath } from './helpers/api-fetch.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ sessions: 400, messagesPerSession: 1, users: 30 });
});
afterAll(() => sim.close());

const call = (path: string, token = sim.token) => apiFetch(sim.baseUrl, path, token);
const org = (rest: string): string => orgPath(sim.orgId, rest);
const members = (query = ''): string => membersPath(sim.orgId, query);
const days = (reply: JsonObject): JsonObject[] => reply.consumption_by_date as JsonObject[];
const cents = (value: unknown): number => Math.round(Number(value ?? 0) * 100);
const product = (day: JsonObject, name: string): number =>
  cents((day.acus_by_product as JsonObject | undefined)?.[name]);

async function allMembers(first: number): Promise<JsonObject[]> {
  const rows: JsonObject[] = [];
  let after = '';
  for (;;) {
    const { status, body } = await call(members(`?first=${first}${after}`));
    expect(status).toBe(200);
    expect(body.total).toBe(30);
    rows.push(...(body.items as JsonObject[]));
    if (!body.has_next_page) return rows;
    after = `&after=${encodeURIComponent(String(body.end_cursor))}`;
  }
}

describe('simulator members', () => {
  it('paginates /v3beta1 members/users exactly once, with the hard cases in it', async () => {
    const rows = await allMembers(7);
    expect(rows).toEqual([...sim.users()]);
    expect(new Set(rows.map((row) => row.user_id)).size).toBe(30);
    for (const row of rows) expect(String(row.user_id)).toMatch(/^(email|google-oauth2|github)\|/);
    expect(rows.filter((row) => row.email === null)).toHaveLength(1);
    expect(rows.some((row) => /[^\u0020-\u007e]/.test(String(row.name)))).toBe(true);
    expect(rows.some((row) => (row.role_assignments as JsonObject[]).length === 2)).toBe(true);
    expect((await call(members('?first=201'))).status).toBe(422);
  });

  it('filters by exact email', async () => {
    const email = String([...sim.users()][5]?.email);
    const hit = await call(members(`?email=${encodeURIComponent(email)}`));
    expect((hit.body.items as JsonObject[]).map((row) => row.email)).toEqual([email]);
    expect(hit.body.total).toBe(1);
    const miss = await call(members(`?email=${encodeURIComponent(email.toUpperCase())}`));
    expect(miss.body).toMatchObject({ items: [], total: 0, has_next_page: false, end_cursor: null });
  });

  it('attributes sessions to members with a skew, and some to service users', () => {
    const sessions = [...sim.sessions()];
    const ids = new Set([...sim.users()].map((row) => row.user_id));
    const perUser = new Map<string, number>();
    let groupSessions = 0;
    for (const session of sessions) {
      if (session.user_id === null) {
        expect(sim.serviceUserIds()).toContain(session.service_user_id);
        continue;
      }
      if (sim.groupMemberIds().includes(String(session.user_id))) {
        groupSessions++;
        continue;
      }
      expect(ids.has(session.user_id)).toBe(true);
      perUser.set(String(session.user_id), (perUser.get(String(session.user_id)) ?? 0) + 1);
    }
    const counts = [...perUser.values()].sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThan(4 * (counts[Math.floor(counts.length / 2)] ?? 0));
    expect(sessions.filter((row) => row.service_user_id !== null).length).toBeGreaterThan(5);
    expect(sim.serviceUserIds().every((id) => id.startsWith('service-user-'))).toBe(true);
    // IdP-group members run sessions but are not listed; their ids hold two `|`.
    expect(groupSessions).toBeGreaterThan(3);
    expect(sim.groupMemberIds().every((id) => /^samlp\|acme-okta\|[0-9a-f]{16}$/.test(id))).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const again = await startSimulator({ sessions: 400, messagesPerSession: 1, users: 30 });
    try {
      expect([...again.users()]).toEqual([...sim.users()]);
      expect(again.consumptionDaily({ time_after: 0 })).toEqual(sim.consumptionDaily({ time_after: 0 }));
    } finally {
      await again.close();
    }
  });
});

describe('simulator consumption', () => {
  it('without time_after answers the current billing cycle; days start at 08:00 UTC', async () => {
    const { status, body } = await call(org('/consumption/daily'));
    expect(status).toBe(200);
    expect(body).toEqual(sim.consumptionDaily());
    const { cycleStart, lastDay } = sim.billing();
    expect(days(body).length).toBeGreaterThan(0);
    for (const day of days(body)) {
      expect(Number(day.date) % 86_400).toBe(BILLING_DAY_START);
      expect(Number(day.date)).toBeGreaterThanOrEqual(cycleStart);
      expect(Number(day.date)).toBeLessThanOrEqual(lastDay);
    }
    const sum = days(body).reduce((total, day) => total + cents(day.acus), 0);
    expect(cents(body.total_acus)).toBe(sum);
  });

  it('time_after / time_before select billing days whose date is in [after, before)', async () => {
    const all = days(sim.consumptionDaily({ time_after: 0 }));
    expect(all.length).toBeGreaterThan(300);
    const a = Number(all[100]?.date);
    const b = Number(all[130]?.date);
    const { body } = await call(org(`/consumption/daily?time_after=${a}&time_before=${b}`));
    expect(days(body)).toEqual(all.filter((day) => Number(day.date) >= a && Number(day.date) < b));
    const inside = await call(org(`/consumption/daily?time_after=${a + 1}&time_before=${b + 1}`));
    expect(days(inside.body).map((day) => day.date)).toEqual(
      all.filter((day) => Number(day.date) > a && Number(day.date) <= b).map((day) => day.date),
    );
    const bad = await call(org('/consumption/daily?time_after=yesterday'));
    expect(bad.status).toBe(422);
    expect(String(bad.body.detail)).toContain('time_after');
  });

  it("the org's day is its members' days plus service users plus unattributed usage, per product", async () => {
    const window = { time_after: 0 };
    const sums = new Map<number, number[]>();
    const add = (reply: JsonObject): void => {
      for (const day of days(reply)) {
        const entry = sums.get(Number(day.date)) ?? [0, 0, 0, 0];
        PRODUCTS.forEach((name, n) => {
          entry[n] = (entry[n] ?? 0) + product(day, name);
        });
        sums.set(Number(day.date), entry);
      }
    };
    for (const user of sim.users()) {
      const path = org(`/consumption/daily/users/${encodeURIComponent(String(user.user_id))}?time_after=0`);
      const { status, body } = await call(path);
      expect(status).toBe(200);
      expect(body).toEqual(sim.userConsumption(String(user.user_id), window));
      add(body);
    }
    for (const id of sim.serviceUserIds()) {
      const { body } = await call(org(`/consumption/daily/service-users/${id}?time_after=0`));
      add(body);
    }
    add(sim.unattributedConsumption(window));
    const orgDays = days(sim.consumptionDaily(window));
    expect(orgDays.length).toBe(sums.size);
    for (const day of orgDays) {
      expect(PRODUCTS.map((name) => product(day, name))).toEqual(sums.get(Number(day.date)));
      expect(cents(day.acus)).toBe(PRODUCTS.reduce((total, name) => total + product(day, name), 0));
    }
    expect(orgDays.some((day) => Object.keys(day.acus_by_product as JsonObject).length < 4)).toBe(true);
  });

  it("a member's devin ACUs are the acus_consumed of the sessions they ran, on the day each was created", () => {
    const user = String([...sim.users()][0]?.user_id);
    const expected = new Map<number, number>();
    for (const session of sim.sessions()) {
      if (session.user_id !== user) continue;
      const date =
        Math.floor((Number(session.created_at) - BILLING_DAY_START) / 86_400) * 86_400 + BILLING_DAY_START;
      expected.set(date, (expected.get(date) ?? 0) + cents(session.acus_consumed));
    }
    const served = days(sim.userConsumption(user, { time_after: 0 }));
    const devin = new Map(
      served
        .filter((day) => product(day, 'devin') > 0)
        .map((day) => [Number(day.date), product(day, 'devin')]),
    );
    expect(devin).toEqual(expected);
    expect(expected.size).toBeGreaterThan(10);
  });

  it("/consumption/daily/sessions/{id}: the session's acus_consumed on the day it was created", async () => {
    const session = [...sim.sessions()][3] ?? {};
    const { status, body } = await call(
      org(`/consumption/daily/sessions/${String(session.session_id)}?time_after=0`),
    );
    expect(status).toBe(200);
    const date =
      Math.floor((Number(session.created_at) - BILLING_DAY_START) / 86_400) * 86_400 + BILLING_DAY_START;
    expect(days(body)).toEqual([
      {
        date,
        acus: session.acus_consumed,
        acus_by_product: expect.objectContaining({ devin: session.acus_consumed }),
      },
    ]);
    expect((await call(org('/consumption/daily/sessions/devin-00'))).status).toBe(404);
  });

  it('an IdP-group member (unlisted) has its own days, which the org counts as unattributed', async () => {
    const group = String(sim.groupMemberIds()[0]);
    const { status, body } = await call(
      org(`/consumption/daily/users/${encodeURIComponent(group)}?time_after=0`),
    );
    expect(status).toBe(200);
    expect(body).toEqual(sim.userConsumption(group, { time_after: 0 }));
    const expected = [...sim.sessions()]
      .filter((row) => row.user_id === group)
      .reduce((sum, row) => sum + cents(row.acus_consumed), 0);
    expect(days(body).reduce((sum, day) => sum + product(day, 'devin'), 0)).toBe(expected);
    expect(expected).toBeGreaterThan(0);
    const unattributed = new Map(
      days(sim.unattributedConsumption({ time_after: 0 })).map((day) => [day.date, day]),
    );
    for (const day of days(body))
      expect(product(unattributed.get(day.date) ?? {}, 'devin')).toBeGreaterThanOrEqual(
        product(day, 'devin'),
      );
  });

  it('takes ids raw or URL-encoded; unknown ids are 404', async () => {
    const user = String(
      [...sim.users()].find((row) => String(row.user_id).startsWith('google-oauth2|'))?.user_id ??
        [...sim.users()][0]?.user_id,
    );
    const encoded = await call(org(`/consumption/daily/users/${encodeURIComponent(user)}`));
    const raw = await call(org(`/consumption/daily/users/${user}`));
    expect(raw.body).toEqual(encoded.body);
    expect((await call(org('/consumption/daily/users/email%7Cnobody'))).status).toBe(404);
    expect((await call(org('/consumption/daily/service-users/service-user-0'))).status).toBe(404);
    expect((await call(org('/consumption/daily/teams/x'))).status).toBe(404);
  });

  it('403 names ViewOrgMembership and ViewOrgConsumption; ManageBilling reads consumption too', async () => {
    const sessionsOnly = sim.restrictedToken(['ViewOrgSessions']);
    const users = await call(members(), sessionsOnly);
    expect(users.status).toBe(403);
    expect(users.body.required_permission).toBe('ViewOrgMembership');
    const cost = await call(org('/consumption/daily'), sessionsOnly);
    expect(cost.status).toBe(403);
    expect(String(cost.body.detail)).toContain('ViewOrgConsumption');
    const billing = sim.restrictedToken(['ManageBilling']);
    expect((await call(org('/consumption/daily'), billing)).status).toBe(200);
    expect((await call(members(), billing)).status).toBe(403);
  });

  it('logs the new routes in the request log', async () => {
    sim.clearRequestLog();
    await call(members('?first=2'));
    await call(org('/consumption/daily?time_after=0'));
    expect(sim.requestLog.map((entry) => [entry.path, entry.status])).toEqual([
      [`/v3beta1/organizations/${sim.orgId}/members/users`, 200],
      [`/v3/organizations/${sim.orgId}/consumption/daily`, 200],
    ]);
    expect(sim.requestLog[1]?.query).toEqual({ time_after: ['0'] });
  });
});

describe('simulator member and consumption changes', () => {
  it('addUser, updateUser, addConsumption and addSessions change what is served', async () => {
    const local = await startSimulator({ sessions: 50, users: 5 });
    try {
      const added = local.addUser({ name: 'Ünïcödé Newcomer', email: 'new@acme.example' });
      const first = String([...local.users()][0]?.user_id);
      local.updateUser(first, { name: 'Renamed Person' });
      const rows = [...local.users()];
      expect(rows.at(-1)).toMatchObject({
        user_id: added,
        name: 'Ünïcödé Newcomer',
        email: 'new@acme.example',
      });
      expect(rows[0]?.name).toBe('Renamed Person');
      const { lastDay } = local.billing();
      const window = { time_after: lastDay };
      const before = cents(local.consumptionDaily(window).total_acus);
      local.addConsumption({ userId: added, product: 'cascade', acus: 2.5 });
      expect(days(local.userConsumption(added, window))).toEqual([
        { date: lastDay, acus: 2.5, acus_by_product: expect.objectContaining({ cascade: 2.5 }) },
      ]);
      expect(cents(local.consumptionDaily(window).total_acus)).toBe(before + 250);
      local.addConsumption({ product: 'review', acus: 1 });
      expect(cents(local.consumptionDaily(window).total_acus)).toBe(before + 350);
      const [id] = local.addSessions(1);
      const session = [...local.sessions()].find((row) => row.session_id === id) ?? {};
      expect(cents(local.consumptionDaily(window).total_acus)).toBe(
        before + 350 + cents(session.acus_consumed),
      );
      expect(() => local.addConsumption({ userId: 'email|nobody', product: 'devin', acus: 1 })).toThrow(
        /unknown user/,
      );
      expect(() => local.addConsumption({ product: 'devin', acus: 1, date: 0 })).toThrow(/outside/);
    } finally {
      await local.close();
    }
  });
});

describe('simulator members and consumption edges', () => {
  it('removeUser: gone from the list and the total; its history stays in its endpoint and the org', async () => {
    const local = await startSimulator({ sessions: 60, users: 6 });
    try {
      const window = { time_after: 0 };
      const orgBefore = local.consumptionDaily(window);
      const gone = String([...local.users()][1]?.user_id);
      const history = local.userConsumption(gone, window);
      local.removeUser(gone);
      expect([...local.users()].map((row) => row.user_id)).not.toContain(gone);
      const { body } = await apiFetch(local.baseUrl, membersPath(local.orgId, '?first=2'), local.token);
      expect(body.total).toBe(5);
      expect((body.items as JsonObject[]).map((row) => row.user_id)).not.toContain(gone);
      expect(local.userConsumption(gone, window)).toEqual(history);
      expect(local.consumptionDaily(window)).toEqual(orgBefore);
    } finally {
      await local.close();
    }
  });

  it('an org without members keeps random session user ids and bills them as unattributed', async () => {
    const local = await startSimulator({ sessions: 30, users: 0 });
    try {
      expect([...local.users()]).toEqual([]);
      expect(local.serviceUserIds()).toEqual([]);
      const sessions = [...local.sessions()];
      expect(new Set(sessions.map((row) => row.user_id ?? row.service_user_id)).size).toBeGreaterThan(20);
      const window = { time_after: 0 };
      expect(local.consumptionDaily(window)).toEqual(local.unattributedConsumption(window));
      const devin = days(local.consumptionDaily(window)).reduce((sum, day) => sum + product(day, 'devin'), 0);
      expect(devin).toBe(sessions.reduce((sum, row) => sum + cents(row.acus_consumed), 0));
    } finally {
      await local.close();
    }
  });

  it('answers 404 for other v3beta1 routes, 405 for non-GET, and an empty window when after >= before', async () => {
    expect((await call(`/v3beta1/organizations/${sim.orgId}/sessions`)).status).toBe(404);
    expect((await call(`/v3beta1/organizations/org-other/members/users`)).status).toBe(404);
    const post = await apiFetch(sim.baseUrl, members(), sim.token, 'POST');
    expect(post.status).toBe(405);
    const { lastDay } = sim.billing();
    const empty = await call(org(`/consumption/daily?time_after=${lastDay}&time_before=${lastDay}`));
    expect(empty.body).toEqual({ consumption_by_date: [], total_acus: 0 });
    expect((await call(org('/consumption/daily?time_before=1.5'))).status).toBe(422);
  });
});
