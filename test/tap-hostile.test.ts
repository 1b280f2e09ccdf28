import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TapEvent } from '../src/tap/events.js';
import { collect, configured, finalState, recordsOf, simConfig, statusesOf } from './tap-read-helpers.js';

const rejectedOf = (events: readonly TapEvent[], stream: string) =>
  events.flatMap((event) => (event.kind === 'rejected' && event.stream === stream ? [event] : []));
const warnings = (events: readonly TapEvent[]) =>
  events.flatMap((event) => (event.kind === 'log' && event.level === 'warn' ? [event.message] : []));

describe('hostile data', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      sessions: 20,
      messagesPerSession: 2,
      playbooks: 8,
      secrets: 6,
      knowledgeNotes: 5,
      users: 6,
      hostile: { millisecondCursor: true, keyless: true, nestedSecret: true },
    });
  });
  afterAll(() => sim.close());

  it('a millisecond cursor is emitted, warned about once, and never becomes the bookmark', async () => {
    const streams = configured(['sessions', 'playbooks'], 'incremental');
    const first = await collect(simConfig(sim), streams);
    const { sessionId, playbookId } = sim.hostileTargets().millisecondCursor;
    expect(recordsOf(first, 'sessions').some((s) => s.session_id === sessionId)).toBe(true);
    expect(recordsOf(first, 'playbooks').some((p) => p.playbook_id === playbookId)).toBe(true);
    for (const stream of ['sessions', 'playbooks']) {
      const about = warnings(first).filter(
        (m) => m.startsWith(`${stream}: `) && m.includes('implausible updated_at'),
      );
      expect(about, stream).toEqual([
        expect.stringContaining(`${stream}: 1 record(s) with an implausible updated_at`),
      ]);
      const plausible = recordsOf(first, stream)
        .map((r) => Number(r.updated_at))
        .filter((v) => v < 1e10);
      expect(finalState(first)[stream]?.cursor, stream).toBe(Math.max(...plausible));
    }
    // The bookmark is not poisoned: a later change to another playbook is read.
    const spoiled = new Set([playbookId, ...sim.hostileTargets().keyless.playbookIds]);
    const other = [...sim.playbooks()]
      .map((p) => p.playbook_id)
      .find((id): id is string => typeof id === 'string' && id !== '' && !spoiled.has(id));
    sim.updatePlaybook(other ?? '');
    const second = await collect(simConfig(sim), streams, { state: finalState(first) });
    expect(recordsOf(second, 'playbooks').map((p) => p.playbook_id)).toContain(other);
  });

  it('records without a valid primary key are rejected events, never records or state; the streams complete', async () => {
    const streams = configured(
      ['sessions', 'playbooks', 'secrets', 'knowledge_notes', 'users'],
      'incremental',
    );
    const events = await collect(simConfig(sim), streams);
    const counts = { sessions: 1, playbooks: 2, secrets: 1, knowledge_notes: 1, users: 1 };
    for (const [stream, count] of Object.entries(counts)) {
      const rejected = rejectedOf(events, stream);
      expect(rejected.length, stream).toBe(count);
      for (const event of rejected)
        expect(event.reason).toMatch(
          /^primary key "\w+" is (missing|null|an empty string|an object|an array)$/,
        );
      expect(statusesOf(events, stream), stream).toEqual(['started', 'running', 'complete']);
      const stateCounts = events.flatMap((e) =>
        e.kind === 'state' && e.stream === stream ? [e.rejectedCount ?? 0] : [],
      );
      expect(
        stateCounts.reduce((a, b) => a + b, 0),
        stream,
      ).toBe(count);
      const recent = JSON.stringify(finalState(events)[stream]);
      expect(recent).not.toContain('undefined');
      expect(recent).not.toContain('[object Object]');
    }
    for (const record of recordsOf(events, 'playbooks')) expect(record.playbook_id).toBeTruthy();
  });

  it('a secrets field that is not of its documented type is null in every record, rejected ones included', async () => {
    const events = await collect(simConfig(sim), configured(['secrets']));
    const hit = new Set(sim.hostileTargets().nestedSecret.secretIds);
    const secrets = [...recordsOf(events, 'secrets'), ...rejectedOf(events, 'secrets').map((e) => e.data)];
    expect(secrets.filter((s) => hit.has(String(s.secret_id))).length).toBe(hit.size);
    for (const secret of secrets) {
      for (const field of ['key', 'note', 'created_by', 'updated_by', 'secret_type', 'access_type']) {
        const value = secret[field];
        expect(value === null || value === undefined || typeof value === 'string', `${field}`).toBe(true);
      }
      expect(
        ['boolean', 'undefined'].includes(typeof secret.is_sensitive) || secret.is_sensitive === null,
      ).toBe(true);
    }
    const text = JSON.stringify(events);
    for (const canary of sim.leakCanaries()) expect(text).not.toContain(canary);
  });
});
