import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, SPECIAL, startSimulator } from '../src/simulator/index.js';
import type { TapEvent } from '../src/tap/events.js';
import { readStreams } from '../src/tap/read/read.js';
import { expectedRecords, SECRET_FIELDS } from './helpers/ground-truth.js';
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

describe('readStreams against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      sessions: 60,
      messagesPerSession: 6,
      playbooks: 30,
      secrets: 12,
      knowledgeNotes: 27,
      users: 6,
    });
  });
  afterAll(() => sim.close());

  it('reads all nine streams exactly, once each, field by field', async () => {
    const events = await collect(simConfig(sim), configured(ALL_STREAMS));
    const expected = expectedRecords(sim);
    for (const stream of ALL_STREAMS) {
      const keys = KEYS[stream] ?? [];
      const want = [...(expected[stream]?.values() ?? [])];
      expect(byKey(recordsOf(events, stream), keys), stream).toEqual(byKey(want, keys));
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

describe('a session deleted while its messages are read', () => {
  it('is skipped with a warning; every other message arrives', async () => {
    const sim = await startSimulator({ sessions: 8, messagesPerSession: 2 });
    try {
      const ids = [...sim.sessions()].map((session) => String(session.session_id));
      const doomed = ids.at(-3) ?? '';
      expect(truthMessages(sim, [doomed]).length).toBeGreaterThan(0);
      sim.setNetwork({ latencyMs: 25 });
      const config = simConfig(sim, { max_concurrency: 1, page_size: 200 });
      const events: TapEvent[] = [];
      for await (const event of readStreams({ config, streams: configured(['session_messages']) })) {
        if (event.kind === 'record' && events.every((seen) => seen.kind !== 'record'))
          sim.deleteSession(doomed);
        events.push(event);
      }
      expect(statusesOf(events, 'session_messages')).toEqual(['started', 'running', 'complete']);
      const got = recordsOf(events, 'session_messages');
      expect(byKey(got, KEYS.session_messages ?? [])).toEqual(
        byKey(
          truthMessages(
            sim,
            ids.filter((id) => id !== doomed),
          ),
          KEYS.session_messages ?? [],
        ),
      );
      expect(events).toContainEqual({
        kind: 'log',
        level: 'warn',
        message: `session_messages: sessions ${doomed} was deleted while the read ran; its records are skipped`,
      });
    } finally {
      await sim.close();
    }
  });
});
