import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { readStreams } from '../src/tap/read/read.js';
import type { TapState } from '../src/tap/state/state.js';
import {
  byKey,
  configured,
  FAST_BACKOFF,
  KEYS,
  messageRequests,
  recordsOf,
  simConfig,
  truthMessages,
} from './tap-read-helpers.js';

/**
 * A child's progress is checkpointed between parent pages (about once a second of the reader's
 * clock): an interrupt inside one page of parents loses about a second of child reads, not the page.
 */
const STREAMS = configured(['sessions', 'session_messages'], 'incremental');
const SESSIONS = 40;

/** What a target would hold after an interrupt: the records the last state of each stream covers. */
interface Interrupted {
  state: TapState;
  messages: JsonObject[];
}

describe('resume inside a page of parents', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ sessions: SESSIONS, messagesPerSession: 3, seed: 8 });
  });
  afterEach(() => sim.close());

  /** A reader clock that moves a second per call: every parent done is a checkpoint's worth. */
  function steppingClock(): () => number {
    let now = Date.now();
    return () => {
      now += 1000;
      return now;
    };
  }

  async function interruptAfter(messageRequestsSeen: number): Promise<Interrupted> {
    const abort = new AbortController();
    const config = simConfig(sim, { page_size: 200, max_concurrency: 2 });
    const events: TapEvent[] = [];
    const covered: Interrupted = { state: {}, messages: [] };
    try {
      for await (const event of readStreams({
        config,
        streams: STREAMS,
        signal: abort.signal,
        now: steppingClock(),
        http: { backoff: FAST_BACKOFF },
      })) {
        events.push(event);
        if (event.kind === 'state') {
          covered.state[event.stream] = event.state;
          if (event.stream === 'session_messages') covered.messages = recordsOf(events, 'session_messages');
        }
        if (messageRequests(sim).length >= messageRequestsSeen) abort.abort(new Error('interrupted'));
      }
    } catch (error) {
      expect(String(error)).toContain('interrupted');
    }
    return covered;
  }

  it('the rerun reads only the children not yet checkpointed and ends exact', async () => {
    const interrupted = await interruptAfter(SESSIONS / 2);
    const checkpoint = (interrupted.state.session_messages as JsonObject | undefined)?.checkpoint as
      | JsonObject
      | undefined;
    expect(checkpoint?.after).toBeNull();
    const done = (checkpoint?.done as string[] | undefined) ?? [];
    expect(done.length).toBeGreaterThanOrEqual(SESSIONS / 4);
    sim.clearRequestLog();
    const rest: TapEvent[] = [];
    for await (const event of readStreams({
      config: simConfig(sim, { page_size: 200, max_concurrency: 2 }),
      streams: STREAMS,
      state: interrupted.state,
      http: { backoff: FAST_BACKOFF },
    }))
      rest.push(event);
    const reread = new Set(messageRequests(sim).map((path) => path.split('/').at(-2)));
    expect(reread.size).toBe(SESSIONS - done.length);
    for (const sessionId of done) expect(reread.has(sessionId)).toBe(false);
    const keys = KEYS.session_messages ?? [];
    const rows = new Map<string, JsonObject>();
    for (const row of [...interrupted.messages, ...recordsOf(rest, 'session_messages')])
      rows.set(keys.map((key) => String(row[key])).join('/'), row);
    expect(byKey([...rows.values()], keys)).toEqual(byKey(truthMessages(sim), keys));
  });
});

describe('progress of a resumed read', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ sessions: 40, messagesPerSession: 1, seed: 9 });
  });
  afterEach(() => sim.close());

  it('counts what is left: the total less the pages read before the interrupt', async () => {
    const config = simConfig(sim, { page_size: 5, max_concurrency: 2 });
    const streams = configured(['sessions'], 'incremental');
    const first: TapEvent[] = [];
    for await (const event of readStreams({ config, streams, http: { backoff: FAST_BACKOFF } }))
      first.push(event);
    const totals = first.flatMap((e) => (e.kind === 'progress' && e.stream === 'sessions' ? [e.total] : []));
    expect(totals[0]).toBe(SESSIONS);
    const checkpoints = first.filter((e) => e.kind === 'state' && e.stream === 'sessions');
    const second = checkpoints[1];
    if (second?.kind !== 'state') throw new Error('expected a checkpoint after two pages');
    const resumed: TapEvent[] = [];
    for await (const event of readStreams({
      config,
      streams,
      state: { sessions: second.state },
      http: { backoff: FAST_BACKOFF },
    }))
      resumed.push(event);
    const progress = resumed.find((e) => e.kind === 'progress' && e.stream === 'sessions');
    expect(progress?.kind === 'progress' && progress.total).toBe(SESSIONS - 2 * 5);
  });
});
