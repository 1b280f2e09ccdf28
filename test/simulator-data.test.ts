import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, SPECIAL, startSimulator } from '../src/simulator/index.js';
import { ORIGINS } from '../src/simulator/organization/gen-session.js';
import { streamSchema } from '../src/tap/catalog.js';
import type { JsonObject } from '../src/tap/json.js';
import { apiFetch, orgPath } from './helpers/api-fetch.js';

const STATUSES = ['new', 'claimed', 'running', 'exit', 'error', 'suspended', 'resuming'];

function fingerprint(sim: Simulator): string {
  const hash = createHash('sha256');
  for (const session of sim.sessions()) {
    hash.update(JSON.stringify(session));
    for (const message of sim.messages(String(session.session_id))) hash.update(JSON.stringify(message));
  }
  for (const rows of [sim.insights(), sim.playbooks(), sim.secrets(), sim.knowledgeNotes(), sim.users()]) {
    for (const row of rows) hash.update(JSON.stringify(row));
  }
  hash.update(JSON.stringify(sim.consumptionDaily({ time_after: 0 })));
  return hash.digest('hex');
}

/** Base session `index` (0 = oldest), found from the newest-first ground truth. */
const byIndex = (rows: JsonObject[], index: number): JsonObject => rows[rows.length - 1 - index] ?? {};

describe('simulator data', () => {
  let sim: Simulator;
  let sessions: JsonObject[];
  let insights: JsonObject[];
  let messages: Map<string, JsonObject[]>;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 60, messagesPerSession: 8, seed: 7 });
    sessions = [...sim.sessions()];
    insights = [...sim.insights()];
    messages = new Map(
      sessions.map((row) => [String(row.session_id), [...sim.messages(String(row.session_id))]]),
    );
  });
  afterAll(() => sim.close());

  it('is deterministic: the same seed gives the same data, another seed other data', async () => {
    const again = await startSimulator({ sessions: 60, messagesPerSession: 8, seed: 7 });
    const other = await startSimulator({ sessions: 60, messagesPerSession: 8, seed: 8 });
    try {
      expect(fingerprint(again)).toBe(fingerprint(sim));
      expect(fingerprint(other)).not.toBe(fingerprint(sim));
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });

  it('every record validates against its catalog schema (secrets once the extra value is dropped)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const check = (stream: string, rows: Iterable<JsonObject>): void => {
      const validate = ajv.compile(streamSchema(stream));
      for (const row of rows)
        expect(
          validate(row) ? null : validate.errors,
          `${stream} ${JSON.stringify(row).slice(0, 80)}`,
        ).toBeNull();
    };
    check('sessions', sessions);
    check('sessions_insights', insights);
    for (const [sessionId, rows] of messages)
      check(
        'session_messages',
        rows.map((row) => ({ ...row, session_id: sessionId })),
      );
    check('playbooks', sim.playbooks());
    check('knowledge_notes', sim.knowledgeNotes());
    check(
      'secrets',
      [...sim.secrets()].map(({ value: _value, ...row }) => row),
    );
    const users = [...sim.users()];
    expect(users.length).toBe(40);
    check('users', users);
    const window = { time_after: 0 };
    check('consumption_daily', sim.consumptionDaily(window).consumption_by_date as JsonObject[]);
    for (const user of users.slice(0, 5)) {
      const userId = String(user.user_id);
      const days = sim.userConsumption(userId, window).consumption_by_date as JsonObject[];
      check(
        'consumption_by_user',
        days.map((day) => ({ ...day, user_id: userId })),
      );
    }
  });

  it('holds the hard cases at the documented session indexes', () => {
    const count = (index: number): number =>
      messages.get(String(byIndex(sessions, index).session_id))?.length ?? -1;
    expect(count(SPECIAL.noMessages)).toBe(0);
    expect(count(SPECIAL.manyMessages)).toBeGreaterThanOrEqual(500);
    const huge = messages.get(String(byIndex(sessions, SPECIAL.hugeMessage).session_id))?.[1];
    expect(Buffer.byteLength(String(huge?.message))).toBeGreaterThanOrEqual(100_000);
    expect(byIndex(sessions, SPECIAL.nullTitle).title).toBeNull();
    const unicode = byIndex(sessions, SPECIAL.unicode);
    expect(String(unicode.title)).toMatch(/[^ -~]/);
    expect(String(unicode.user_id)).toContain('|');
    expect(unicode.beta_flag).toBeDefined();
    const states = (unicode.pull_requests as JsonObject[]).map((pr) => pr.pr_state);
    expect(states).toEqual(expect.arrayContaining(['open', 'merged', 'closed', null]));
    expect(byIndex(insights, SPECIAL.noMessages).analysis).toBeNull();
    const analysis = byIndex(insights, SPECIAL.nullTitle).analysis as JsonObject;
    expect(Object.keys(analysis).sort()).toEqual(
      ['action_items', 'classification', 'issues', 'note_usage', 'suggested_prompt', 'timeline'].sort(),
    );
    expect(byIndex(sessions, SPECIAL.nullTitle).structured_output).toMatchObject({
      result: { deep: { level1: {} } },
    });
  });

  it('has realistic variety: emoji, statuses, origins, fractional ACUs, extra fields on every stream', () => {
    const allMessages = [...messages.values()].flat();
    expect(allMessages.some((row) => /\p{Extended_Pictographic}/u.test(String(row.message)))).toBe(true);
    expect(allMessages.some((row) => String(row.message).includes('ATTACHMENT:{'))).toBe(true);
    expect(new Set(allMessages.map((row) => row.source))).toEqual(new Set(['user', 'devin']));
    for (const rows of [sessions, insights, allMessages, [...sim.playbooks()], [...sim.knowledgeNotes()]]) {
      expect(rows.some((row) => row.beta_flag !== undefined)).toBe(true);
    }
    const secrets = [...sim.secrets()];
    expect(secrets.some((row) => typeof row.value === 'string')).toBe(true);
    expect(secrets.some((row) => row.value === undefined)).toBe(true);
    expect(secrets.some((row) => row.updated_at === null)).toBe(true);
    for (const session of sessions) {
      expect(STATUSES).toContain(session.status);
      expect([...ORIGINS, null]).toContain(session.origin);
      expect(Number(session.created_at)).toBeLessThanOrEqual(Number(session.updated_at));
      expect(String(session.session_id)).toMatch(/^devin-[0-9a-f]{32}$/);
    }
    expect(sessions.some((row) => !Number.isInteger(row.acus_consumed))).toBe(true);
    expect(
      insights.some((row) => row.analysis === null) && insights.some((row) => row.analysis !== null),
    ).toBe(true);
  });

  it('insights carry the session fields plus counts consistent with the messages served', () => {
    sessions.forEach((session, n) => {
      const insight = insights[n] ?? {};
      const rows = messages.get(String(session.session_id)) ?? [];
      expect(insight).toMatchObject(session);
      expect(insight.num_user_messages).toBe(rows.filter((row) => row.source === 'user').length);
      expect(insight.num_devin_messages).toBe(rows.filter((row) => row.source === 'devin').length);
      expect(['xs', 's', 'm', 'l', 'xl']).toContain(insight.session_size);
      for (const row of rows) {
        expect(Number(row.created_at)).toBeGreaterThanOrEqual(Number(session.created_at));
        expect(Number(row.created_at)).toBeLessThanOrEqual(Number(session.updated_at));
      }
    });
  });

  it('serves a 100,000-session org on demand (nothing materialized up front)', async () => {
    const big = await startSimulator({ sessions: 100_000, messagesPerSession: 50 });
    try {
      const get = async (rest: string) =>
        (await apiFetch(big.baseUrl, orgPath(big.orgId, rest), big.token)).body;
      const first = await get('/sessions?first=200');
      expect(first.total).toBe(100_000);
      expect((first.items as JsonObject[]).length).toBe(200);
      const before = Number((first.items as JsonObject[])[199]?.created_at) - 86_400 * 600;
      const oldest = await get(`/sessions?first=1&created_before=${before}`);
      expect(Number(oldest.total)).toBeGreaterThan(0);
    } finally {
      await big.close();
    }
  });
});
