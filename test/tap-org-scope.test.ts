import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/simulator/auth.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAMS } from '../src/tap/streams/index.js';
import { apiFetch, orgPath } from './helpers/api-fetch.js';
import { expectedOrgScope, ORG_SCOPE_KEYS, ORG_SCOPE_STREAMS } from './org-scope-truth.js';
import {
  byKey,
  collect,
  configured,
  finalState,
  recordsOf,
  simConfig,
  statusesOf,
} from './tap-read-helpers.js';

const DAY = 86_400;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the rest of the organization scope', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 1500, messagesPerSession: 1, users: 40, seed: 17, schedules: 45 });
  });
  afterAll(() => sim.close());

  const requests = (part: string) => sim.requestLog.filter((entry) => entry.path.includes(part));
  const streams = [...ORG_SCOPE_STREAMS, 'sessions'];

  it('reads every new stream exactly as the simulator serves it', async () => {
    sim.clearRequestLog();
    const events = await collect(simConfig(sim, { page_size: 20 }), configured(streams, 'incremental'));
    const expected = expectedOrgScope(sim, nowSeconds() - 90 * DAY, nowSeconds());
    for (const stream of ORG_SCOPE_STREAMS) {
      const keys = ORG_SCOPE_KEYS[stream] ?? [];
      expect(statusesOf(events, stream), stream).toEqual(['started', 'running', 'complete']);
      expect(byKey(recordsOf(events, stream), keys), stream).toEqual(byKey(expected[stream] ?? [], keys));
    }
    // The data is not trivially empty: IdP members own sessions, metrics count something.
    const idp = new Set(recordsOf(events, 'idp_users').map((user) => user.user_id));
    expect([...sim.sessions()].some((session) => idp.has(session.user_id ?? ''))).toBe(true);
    expect(recordsOf(events, 'metrics_prs').some((day) => Number(day.prs_merged_count) > 0)).toBe(true);
    expect(recordsOf(events, 'session_attachments').some((a) => a.content_type === undefined)).toBe(true);
    // Schedules: limit/offset pages of at most 20, timestamps as epoch seconds.
    const offsets = requests('/schedules').map((entry) => entry.query.offset?.[0]);
    expect(offsets).toEqual(['0', '20', '40']);
    for (const schedule of recordsOf(events, 'schedules')) expect(typeof schedule.created_at).toBe('number');
    // Repositories asked with their indexing status.
    expect(requests('/repositories')[0]?.query.load_indexing_status).toEqual(['true']);
    // Daily metrics: one request per UTC day, each exactly that day.
    for (const entry of requests('/metrics/prs')) {
      const after = Number(entry.query.time_after);
      expect(after % DAY).toBe(0);
      expect(Number(entry.query.time_before)).toBe(after + DAY);
    }
    expect(requests('/metrics/prs').length).toBe(recordsOf(events, 'metrics_prs').length);
    // Weeks start on Monday.
    const weeks = recordsOf(events, 'metrics_active_users').filter((row) => row.period === 'week');
    expect(weeks.length).toBeGreaterThan(10);
    for (const week of weeks) expect(new Date(Number(week.start_time) * 1000).getUTCDay()).toBe(1);
  });

  it('a rerun reads only new or changed sessions’ attachments and only the trailing metrics days', async () => {
    const config = simConfig(sim, { page_size: 50 });
    const first = await collect(config, configured(streams, 'incremental'));
    const changed = String([...sim.sessions()][7]?.session_id);
    const added = sim.addAttachment(changed);
    const [fresh] = sim.addSessions(1);
    sim.clearRequestLog();
    const second = await collect(config, configured(streams, 'incremental'), { state: finalState(first) });
    const attachmentPaths = requests('/attachments').map((entry) => entry.path);
    expect(attachmentPaths.sort()).toEqual(
      [changed, fresh].map((id) => `/v3/organizations/${sim.orgId}/sessions/${id}/attachments`).sort(),
    );
    const rows = recordsOf(second, 'session_attachments');
    expect(rows).toContainEqual({
      ...added,
      session_id: changed,
      updated_at: [...sim.sessions()].find((s) => s.session_id === changed)?.updated_at,
    });
    expect(rows.every((row) => row.session_id === changed || row.session_id === fresh)).toBe(true);
    const bookmark = Number(finalState(first).metrics_prs?.cursor);
    expect(bookmark).toBe(Math.floor(nowSeconds() / DAY) * DAY);
    const from = bookmark - 3 * DAY;
    const monthStart = (t: number) =>
      Date.UTC(new Date(t * 1000).getUTCFullYear(), new Date(t * 1000).getUTCMonth(), 1) / 1000;
    const floors: Record<string, number> = { wau: from - 6 * DAY, mau: monthStart(from) };
    for (const entry of requests('/metrics/')) {
      const metric = entry.path.split('/').at(-1) ?? '';
      expect(Number(entry.query.time_after), entry.path).toBeGreaterThanOrEqual(floors[metric] ?? from);
    }
    expect(requests('/metrics/prs').length).toBe(4);
    const expected = expectedOrgScope(sim, bookmark - 3 * DAY, nowSeconds());
    expect(byKey(recordsOf(second, 'metrics_prs'), ['date'])).toEqual(expected.metrics_prs);
    expect(recordsOf(second, 'metrics_sessions').map((day) => day.date)).toEqual(
      expected.metrics_sessions?.map((day) => day.date),
    );
    expect(recordsOf(second, 'idp_users').length).toBe(sim.idpUsers().length);
  });

  it.each([
    ['ManageOrgSchedules', ['schedules']],
    ['ViewOrgRepositories', ['repositories']],
    ['ViewOrgMetrics', ['metrics_active_users', 'metrics_prs', 'metrics_sessions', 'metrics_searches']],
    ['ViewOrgMembership', ['idp_users']],
  ])('a token without %s: those streams fail naming it, the others complete', async (permission, failing) => {
    const token = sim.restrictedToken(PERMISSIONS.filter((name) => name !== permission));
    const events = await collect(simConfig(sim, { api_token: token }), configured(streams));
    for (const stream of streams) {
      const errors = events.filter((event) => event.kind === 'stream_error' && event.stream === stream);
      if (failing.includes(stream)) {
        expect(statusesOf(events, stream).at(-1), stream).toBe('incomplete');
        expect(
          errors.map((event) => (event.kind === 'stream_error' ? event.message : '')).join(),
          stream,
        ).toContain(permission);
      } else {
        expect(statusesOf(events, stream).at(-1), stream).toBe('complete');
      }
    }
  });

  it('every new stream names its permission, and the attachments are opt-in', () => {
    const byName = new Map(STREAMS.map((def) => [def.name, def]));
    for (const stream of ORG_SCOPE_STREAMS) expect(byName.get(stream)?.permission, stream).toMatch(/^\w+$/);
    expect(byName.get('session_attachments')?.selectedByDefault).toBe(false);
  });

  it('metrics_history_days sets how far back metrics go; a later start_date narrows it, an earlier one does not', async () => {
    const today = Math.floor(nowSeconds() / DAY) * DAY;
    const days = async (overrides: Record<string, unknown>) =>
      recordsOf(
        await collect(simConfig(sim, overrides), configured(['metrics_searches'])),
        'metrics_searches',
      ).map((row) => Number(row.date));
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    expect(await days({ metrics_history_days: 5 })).toEqual([5, 4, 3, 2, 1, 0].map((n) => today - n * DAY));
    expect((await days({ start_date: iso(today - 10 * DAY + 3600) }))[0]).toBe(today - 10 * DAY);
    expect((await days({ metrics_history_days: 3, start_date: iso(today - 400 * DAY) })).length).toBe(4);
  });

  it('metrics agree with the sessions served, and refuse a request without its window (422)', async () => {
    const days = recordsOf(
      await collect(simConfig(sim), configured(['metrics_prs', 'metrics_sessions'])),
      'metrics_prs',
    );
    const merged = new Map<number, number>();
    for (const session of sim.sessions()) {
      const day = Math.floor(Number(session.created_at) / DAY) * DAY;
      const prs = (session.pull_requests ?? []) as JsonObject[];
      merged.set(day, (merged.get(day) ?? 0) + prs.filter((pr) => pr.pr_state === 'merged').length);
    }
    for (const day of days)
      expect(day.prs_merged_count, String(day.date)).toBe(merged.get(Number(day.date)) ?? 0);
    const metrics = (rest: string) => apiFetch(sim.baseUrl, orgPath(sim.orgId, `/metrics${rest}`), sim.token);
    for (const metric of ['dau', 'prs', 'sessions', 'searches']) {
      const reply = await metrics(`/${metric}?time_after=0`);
      expect(reply.status, metric).toBe(422);
      expect(JSON.stringify(reply.body)).toContain('time_before');
    }
    expect((await metrics('/usage')).status).toBe(200);
  });
});
