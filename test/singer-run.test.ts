import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../src/simulator/index.js';
import { runTap } from '../src/singer/run.js';
import { defaultSelection, type Selection } from '../src/singer/selection.js';
import { parseConfig, type TapConfig } from '../src/tap/config.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { type ReadOptions, readStreams } from '../src/tap/read/read.js';
import type { TapState } from '../src/tap/state/state.js';

const config: TapConfig = {
  apiToken: 'cog_test',
  scope: 'organization',
  orgIds: null,
  auditHistoryDays: 365,
  orgId: 'org-test',
  startDate: null,
  baseUrl: 'http://127.0.0.1:9',
  pageSize: 10,
  maxConcurrency: 1,
  requestTimeoutSeconds: 1,
  maxRetries: 0,
  lookbackWindowSeconds: 0,
  consumptionHistoryDays: 400,
  metricsHistoryDays: 90,
};

/** A stdout with a tiny buffer that drains slowly: writes must wait for 'drain'. */
function slowSink() {
  const lines: string[] = [];
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      setTimeout(callback, 1);
    },
  });
  return {
    stream,
    messages: () =>
      lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as JsonObject),
  };
}

async function run(events: TapEvent[], selection: Selection, state = {}) {
  const seen: ReadOptions[] = [];
  const sink = slowSink();
  const log: string[] = [];
  const result = await runTap({
    config,
    selection,
    state,
    stdout: sink.stream,
    log: (line) => log.push(line),
    logLevel: 'info',
    now: () => 0,
    read: async function* (options) {
      seen.push(options);
      yield* events;
    },
  });
  return { result, messages: sink.messages(), log, options: seen[0] };
}

describe('runTap', () => {
  it('reads the selected streams from the simulator: FULL_TABLE from the start, INCREMENTAL from its bookmark', async () => {
    const sim = await startSimulator({ sessions: 12, messagesPerSession: 1, playbooks: 7, seed: 23 });
    try {
      const tapConfig = parseConfig(sim.config(), {});
      const runReal = async (selection: Selection, state: TapState) => {
        const sink = slowSink();
        const log: string[] = [];
        const result = await runTap({
          config: tapConfig,
          selection,
          state,
          stdout: sink.stream,
          log: (line) => log.push(line),
          logLevel: 'info',
          now: () => 0,
          read: readStreams,
        });
        const messages = sink.messages();
        const records = (stream: string) =>
          messages.filter((m) => m.type === 'RECORD' && m.stream === stream);
        const last = messages.filter((m) => m.type === 'STATE').at(-1)?.value as { bookmarks: TapState };
        return { result, log, records, bookmarks: last?.bookmarks };
      };
      const both = (method: 'FULL_TABLE' | 'INCREMENTAL') => ({
        streams: [
          { name: 'sessions', replicationMethod: method, deselected: new Set<string>() },
          { name: 'playbooks', replicationMethod: 'INCREMENTAL' as const, deselected: new Set<string>() },
        ],
        warnings: [],
      });
      const first = await runReal(both('INCREMENTAL'), {});
      expect(first.result.failedStreams).toEqual([]);
      expect(first.records('sessions')).toHaveLength(12);
      expect(first.records('playbooks')).toHaveLength(7);

      // The state of an unselected stream never reaches the tap, and is carried over as it came.
      const state = { ...first.bookmarks, secrets: { version: 99, cursor: 'garbage' } };
      sim.clearRequestLog();
      const second = await runReal(both('FULL_TABLE'), state);
      expect(second.result.failedStreams, second.log.join('\n')).toEqual([]);
      expect(second.records('sessions')).toHaveLength(12); // FULL_TABLE ignores its bookmark
      expect(second.records('playbooks')).toEqual([]); // nothing changed since the bookmark
      expect(sim.requestLog.filter((entry) => entry.path.endsWith('/secrets'))).toEqual([]);
      const sessionLists = sim.requestLog.filter((entry) => /\/sessions$/.test(entry.path));
      expect(sessionLists.length).toBeGreaterThan(0);
      for (const entry of sessionLists) expect(entry.query.updated_after).toBeUndefined();
      expect(second.bookmarks?.secrets).toEqual(state.secrets); // carried over untouched
    } finally {
      await sim.close();
    }
  });

  it('writes SCHEMA before RECORD, keeps unselected bookmarks, logs errors and metrics on stderr only', async () => {
    const many = Array.from(
      { length: 50 },
      (_, i): TapEvent => ({
        kind: 'record',
        stream: 'playbooks',
        data: { playbook_id: `p${i}`, title: 'x'.repeat(40) },
        emittedAt: 0,
      }),
    );
    const events: TapEvent[] = [
      { kind: 'status', stream: 'playbooks', status: 'started' },
      ...many, // no schema event first: the runner must still put SCHEMA first
      { kind: 'state', stream: 'playbooks', state: { v: 1, at: 5 }, recordCount: 50 },
      { kind: 'status', stream: 'playbooks', status: 'complete' },
      { kind: 'stream_error', stream: 'secrets', message: 'forbidden', failure: 'config_error' },
      { kind: 'log', level: 'debug', message: 'hidden' },
    ];
    const { result, messages, log } = await run(events, defaultSelection(), { secrets: { v: 9 } });
    expect(messages.map((m) => m.type)).toEqual(['SCHEMA', ...many.map(() => 'RECORD'), 'STATE']);
    expect(messages.at(-1)).toEqual({
      type: 'STATE',
      value: { bookmarks: { secrets: { v: 9 }, playbooks: { v: 1, at: 5 } } },
    });
    expect(result.failedStreams).toEqual(['secrets']);
    expect(log).toContain('ERROR stream secrets failed (config_error): forbidden');
    expect(log.some((line) => line.includes('"metric":"record_count","value":50'))).toBe(true);
    expect(log.join('\n')).not.toContain('hidden');
  });
});
