import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TapEvent } from '../src/tap/events.js';
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

describe('readStreams under faults, limits and missing permissions', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      sessions: 40,
      messagesPerSession: 4,
      playbooks: 8,
      secrets: 5,
      knowledgeNotes: 6,
      users: 4,
    });
  });
  afterAll(() => sim.close());

  it('returns exactly the same records with faults and a rate limit on', async () => {
    const clean = await collect(simConfig(sim), configured(ALL_STREAMS));
    sim.setNetwork({ faultRate: 0.15, rateLimit: 60 });
    sim.clearRequestLog();
    const noisy = await collect(simConfig(sim, { max_retries: 10 }), configured(ALL_STREAMS));
    sim.setNetwork({ faultRate: 0, rateLimit: 0 });
    const statuses = sim.requestLog.map((entry) => entry.status);
    expect(statuses.some((status) => status >= 500 || status === 0)).toBe(true);
    expect(statuses).toContain(429);
    for (const stream of ALL_STREAMS) {
      const keys = KEYS[stream] ?? [];
      expect(byKey(recordsOf(noisy, stream), keys), stream).toEqual(byKey(recordsOf(clean, stream), keys));
      expect(statusesOf(noisy, stream)).toEqual(['started', 'running', 'complete']);
    }
    expect(recordsOf(noisy, 'session_messages').length).toBe(truthMessages(sim).length);
    const retries = noisy.filter((event) => event.kind === 'log' && / retry \d+ of 10$/.test(event.message));
    expect(retries.length).toBeGreaterThan(0);
    const progress = noisy.filter((event) => event.kind === 'progress' && event.counters.retries > 0);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('a 403 on one stream fails only that stream, naming the permission', async () => {
    const token = sim.restrictedToken([
      'ViewOrgSessions',
      'ManageOrgSecrets',
      'ManageOrgKnowledge',
      'ViewOrgMembership',
      'ViewOrgConsumption',
    ]);
    const events = await collect(simConfig(sim, { api_token: token }), configured(ALL_STREAMS));
    const error = events.find((event) => event.kind === 'stream_error');
    expect(error).toEqual({
      kind: 'stream_error',
      stream: 'playbooks',
      failure: 'config_error',
      message: expect.stringMatching(
        /^playbooks: the API token's role lacks the ManageOrgPlaybooks permission/,
      ),
    });
    expect(statusesOf(events, 'playbooks')).toEqual(['started', 'incomplete']);
    for (const stream of ALL_STREAMS.filter((name) => name !== 'playbooks')) {
      expect(statusesOf(events, stream), stream).toEqual(['started', 'running', 'complete']);
    }
    expect(recordsOf(events, 'sessions').length).toBe(40);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('a rejected token ends the whole read at once with one error', async () => {
    sim.clearRequestLog();
    const seen: TapEvent[] = [];
    const run = async () => {
      const { readStreams } = await import('../src/tap/read/read.js');
      const config = simConfig(sim, { api_token: 'cog_rejectedTOKEN' });
      for await (const event of readStreams({ config, streams: configured(ALL_STREAMS) })) seen.push(event);
    };
    await expect(run()).rejects.toThrow(
      /^the API token was rejected \(HTTP 401\); check api_token or DEVIN_API_TOKEN$/,
    );
    expect(seen.filter((event) => event.kind === 'stream_error' || event.kind === 'record')).toEqual([]);
    // Nothing past the first answers: every stream's first request at most, never a retry.
    expect(sim.requestLog.every((entry) => entry.status === 401)).toBe(true);
    expect(sim.requestLog.length).toBeLessThanOrEqual(ALL_STREAMS.length);
    expect(JSON.stringify(seen)).not.toContain('rejectedTOKEN');
  });

  it('gives up on an unreachable API as a transient error', async () => {
    sim.setNetwork({ faultRate: 1 });
    const events = await collect(simConfig(sim, { max_retries: 1 }), configured(['playbooks']));
    sim.setNetwork({ faultRate: 0 });
    expect(events.find((event) => event.kind === 'stream_error')).toMatchObject({
      failure: 'transient_error',
      message: expect.stringMatching(
        /^playbooks: GET \/v3\/organizations\/org-sim0001\/playbooks failed after 2 attempts/,
      ),
    });
  });

  it('emits each stream’s events in the promised order', async () => {
    const events = await collect(simConfig(sim), configured(['sessions', 'session_messages', 'playbooks']));
    for (const stream of ['sessions', 'session_messages', 'playbooks']) {
      const own = events.filter(
        (event) => 'stream' in event && event.stream === stream && event.kind !== 'progress',
      );
      const shape = own.map((event) => (event.kind === 'status' ? event.status : event.kind));
      const compact = shape.filter((kind, index) => kind !== shape[index - 1]);
      expect(compact.slice(0, 3), stream).toEqual(['schema', 'started', 'running']);
      expect(compact.slice(-3), stream).toEqual(['record', 'state', 'complete']);
      const states = own.filter(
        (event): event is Extract<TapEvent, { kind: 'state' }> => event.kind === 'state',
      );
      const counted = states.reduce((sum, event) => sum + event.recordCount, 0);
      expect(counted, stream).toBe(own.filter((event) => event.kind === 'record').length);
    }
    const messageStates = events.filter(
      (event) => event.kind === 'state' && event.stream === 'session_messages',
    );
    expect(messageStates.length).toBe(Math.ceil(40 / 25));
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    let records = 0;
    const run = async () => {
      const { readStreams } = await import('../src/tap/read/read.js');
      for await (const event of readStreams({
        config: simConfig(sim),
        streams: configured(['session_messages']),
        signal: controller.signal,
      })) {
        if (event.kind === 'record' && ++records === 5) controller.abort(reason);
      }
    };
    await expect(run()).rejects.toBe(reason);
    expect(records).toBe(5);
  });
});
