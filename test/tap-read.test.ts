import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, SPECIAL, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import {
  ALL_STREAMS,
  byKey,
  collect,
  configured,
  KEYS,
  recordsOf,
  simConfig,
  statusesOf,
  truthMessages,
} from './tap-read-helpers.js';

const SECRET_FIELDS = [
  'secret_id',
  'key',
  'note',
  'is_sensitive',
  'secret_type',
  'access_type',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
];

function truth(sim: Simulator): Record<string, JsonObject[]> {
  const project = (secret: JsonObject) =>
    Object.fromEntries(Object.entries(secret).filter(([key]) => SECRET_FIELDS.includes(key)));
  return {
    sessions: [...sim.sessions()],
    sessions_insights: [...sim.insights()],
    session_messages: truthMessages(sim),
    playbooks: [...sim.playbooks()],
    secrets: [...sim.secrets()].map(project),
    knowledge_notes: [...sim.knowledgeNotes()],
  };
}

describe('readStreams against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      sessions: 60,
      messagesPerSession: 6,
      playbooks: 30,
      secrets: 12,
      knowledgeNotes: 27,
    });
  });
  afterAll(() => sim.close());

  it('reads all six streams exactly, once each, field by field', async () => {
    const events = await collect(simConfig(sim), configured(ALL_STREAMS));
    const expected = truth(sim);
    for (const stream of ALL_STREAMS) {
      const keys = KEYS[stream] ?? [];
      expect(byKey(recordsOf(events, stream), keys), stream).toEqual(byKey(expected[stream] ?? [], keys));
      expect(statusesOf(events, stream), stream).toEqual(['started', 'running', 'complete']);
    }
    const sessionLists = sim.requestLog.filter((entry) => entry.path.endsWith('/sessions'));
    expect(sessionLists.length).toBe(Math.ceil(60 / 25));
  });

  it('reads every page of a session with 500+ messages', async () => {
    const many = [...sim.sessions()].find((_, index, all) => index === all.length - 1 - SPECIAL.manyMessages);
    const id = String(many?.session_id);
    const events = await collect(simConfig(sim, { page_size: 200 }), configured(['session_messages']));
    const got = recordsOf(events, 'session_messages').filter((message) => message.session_id === id);
    expect(got.length).toBeGreaterThanOrEqual(500);
    expect(got).toEqual(truthMessages(sim, [id]));
    expect(recordsOf(events, 'sessions')).toEqual([]);
  });

  it('never emits a secret value', async () => {
    expect([...sim.secrets()].some((secret) => 'value' in secret)).toBe(true);
    const events = await collect(simConfig(sim), configured(['secrets']));
    const secrets = recordsOf(events, 'secrets');
    expect(secrets.length).toBe(12);
    for (const secret of secrets)
      expect(Object.keys(secret).every((key) => SECRET_FIELDS.includes(key))).toBe(true);
  });
});
