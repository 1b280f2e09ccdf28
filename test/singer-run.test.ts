import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runTap } from '../src/singer/run.js';
import { defaultSelection, type Selection } from '../src/singer/selection.js';
import type { TapConfig } from '../src/tap/config.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import type { ReadOptions } from '../src/tap/read/read.js';

const config: TapConfig = {
  apiToken: 'cog_test',
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
  it('passes the selection and only the selected streams’ state to the tap', async () => {
    const selection: Selection = {
      streams: [
        { name: 'sessions', replicationMethod: 'FULL_TABLE', deselected: new Set() },
        { name: 'playbooks', replicationMethod: 'INCREMENTAL', deselected: new Set() },
      ],
      warnings: [],
    };
    const state = { sessions: { v: 1 }, secrets: { v: 2 } };
    const { options } = await run([], selection, state);
    expect(options?.streams).toEqual([
      { name: 'sessions', syncMode: 'full_refresh' },
      { name: 'playbooks', syncMode: 'incremental' },
    ]);
    expect(options?.state).toEqual({ sessions: { v: 1 } });
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
