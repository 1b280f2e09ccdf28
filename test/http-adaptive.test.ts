import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { parseConfig } from '../src/tap/config.js';
import { createHttpClient } from '../src/tap/http/http.js';
import { type Outcome, PaceFinder } from '../src/tap/http/pace.js';
import { startLocalServer } from './helpers/local-server.js';
import { ALL_STREAMS, byKey, collect, configured, KEYS, recordsOf, simConfig } from './tap-read-helpers.js';

/** A fake clock and a finder fed with outcomes at chosen times. */
function finderAt(ceiling: number) {
  let now = 0;
  const finder = new PaceFinder({ ceiling, initial: 8 }, now);
  const ok = (latencyMs: number): Outcome => ({ startedAt: now - latencyMs, latencyMs, throttled: false });
  return {
    finder,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    /** One window of `limit` completions, every slot busy, each taking `latencyMs`, `limit` in parallel. */
    fullWindow(latencyMs: number) {
      finder.markSaturated();
      const count = finder.limit;
      for (let i = 0; i < count; i++) {
        now += latencyMs / count;
        finder.onOutcome(ok(latencyMs), now, null);
      }
    },
    throttle(retryAfterMs: number | null, startedAt = now) {
      finder.onOutcome({ startedAt, latencyMs: 10, throttled: true }, now, retryAfterMs);
    },
  };
}

describe('PaceFinder (AIMD on a fake clock)', () => {
  it('starts at 8 and adds one slot per busy window while throughput rises, up to the ceiling', () => {
    const pace = finderAt(12);
    expect(pace.finder.limit).toBe(8);
    const limits: number[] = [];
    // Latency-bound: a window of `limit` requests in parallel takes one latency, so more slots,
    // more throughput.
    for (let i = 0; i < 10; i++) {
      pace.fullWindow(100);
      limits.push(pace.finder.limit);
    }
    expect(limits).toEqual([9, 10, 11, 12, 12, 12, 12, 12, 12, 12]);
  });

  it('holds when throughput stops rising, and when the slots are not all busy', () => {
    const pace = finderAt(32);
    pace.fullWindow(100); // 8 -> 9
    // The API is the bottleneck: each window takes longer in proportion, throughput flat.
    for (let i = 0; i < 5; i++) {
      pace.finder.markSaturated();
      const count = pace.finder.limit;
      for (let k = 0; k < count; k++) {
        pace.advance((count * 100) / 9 / count);
        pace.finder.onOutcome(
          { startedAt: pace.now() - 100, latencyMs: 100, throttled: false },
          pace.now(),
          null,
        );
      }
    }
    expect(pace.finder.limit).toBeLessThanOrEqual(10);
    const idle = finderAt(32);
    for (let i = 0; i < 3; i++) {
      const count = idle.finder.limit;
      for (let k = 0; k < count; k++) {
        idle.advance(10);
        idle.finder.onOutcome(
          { startedAt: idle.now() - 5, latencyMs: 5, throttled: false },
          idle.now(),
          null,
        );
      }
    }
    expect(idle.finder.limit).toBe(8);
  });

  it('halves on a 429 once per decrease, learns the admitted rate, and pauses when paced 429s go on', () => {
    const pace = finderAt(32);
    for (let i = 0; i < 6; i++) pace.fullWindow(100); // 14 slots, 600 ms of work
    expect(pace.finder.limit).toBe(14);
    const sentBefore = pace.now() - 50;
    pace.throttle(1000);
    expect(pace.finder.limit).toBe(7);
    expect(pace.finder.rate).not.toBeNull();
    const learnt = pace.finder.rate ?? 0;
    // ~66 successes in the last second: the rate is just under that.
    expect(learnt).toBeGreaterThan(50);
    expect(learnt).toBeLessThan(70);
    expect(pace.finder.pausedUntil).toBe(0);
    // Requests sent before the decrease answer 429 too: no second halving.
    pace.throttle(1000, sentBefore);
    expect(pace.finder.limit).toBe(7);
    // A request sent after the decrease still refused: halve again and wait as the API asks.
    pace.advance(200);
    pace.throttle(1000);
    expect(pace.finder.limit).toBe(3);
    expect(pace.finder.pausedUntil).toBe(pace.now() + 1000);
  });

  it('halves on a latency blow-up', () => {
    const pace = finderAt(32);
    pace.fullWindow(100);
    pace.fullWindow(100);
    expect(pace.finder.limit).toBe(10);
    pace.fullWindow(400);
    expect(pace.finder.limit).toBe(5);
    // The window right after a decrease is not judged; a lasting slowdown becomes the usual.
    pace.fullWindow(400);
    expect(pace.finder.limit).toBe(5);
  });

  it('never goes below one slot', () => {
    const pace = finderAt(32);
    for (let i = 0; i < 10; i++) {
      pace.advance(10);
      pace.throttle(null);
    }
    expect(pace.finder.limit).toBe(1);
  });
});

describe('adaptive concurrency against real servers', () => {
  async function maxInFlight(settings: Record<string, unknown>, requests: number) {
    let inFlight = 0;
    let peak = 0;
    const server = await startLocalServer((_req, res) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items":[],"end_cursor":null,"has_next_page":false}');
      }, 15);
    });
    const config = parseConfig(
      { api_token: 'cog_x', org_id: 'org-1', base_url: server.url, ...settings },
      {},
    );
    const http = createHttpClient(config, { env: {} });
    const context = { stream: 's', permission: 'p', counters: { requests: 0, retries: 0 } };
    try {
      await Promise.all(Array.from({ length: requests }, () => http.getJson('/x', {}, context)));
      return { peak, client: http.concurrency() };
    } finally {
      http.close();
      await server.close();
    }
  }

  it('grows above 8 under latency but never past the ceiling', async () => {
    const { peak, client } = await maxInFlight({ max_concurrency: 12 }, 400);
    expect(peak).toBeLessThanOrEqual(12);
    expect(client.peakInFlight).toBeLessThanOrEqual(12);
    expect(peak).toBeGreaterThan(8);
  });

  it('adaptive_concurrency: false with max_concurrency: 8 keeps 8', async () => {
    const { peak, client } = await maxInFlight({ max_concurrency: 8, adaptive_concurrency: false }, 100);
    expect(peak).toBe(8);
    expect(client.limit).toBe(8);
  });
});

describe('adaptive concurrency under a simulator rate limit', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      sessions: 60,
      messagesPerSession: 3,
      playbooks: 5,
      secrets: 3,
      knowledgeNotes: 4,
    });
  });
  afterAll(() => sim.close());

  it('backs off on 429s and still gives exactly the records of a clean read', async () => {
    const clean = await collect(simConfig(sim), configured(ALL_STREAMS));
    sim.setNetwork({ rateLimit: 40, latencyMs: 2 });
    sim.clearRequestLog();
    const limited = await collect(
      simConfig(sim, { max_concurrency: 32, max_retries: 10 }),
      configured(ALL_STREAMS),
    );
    sim.setNetwork({ rateLimit: 0, latencyMs: 0 });
    const statuses = sim.requestLog.map((entry) => entry.status);
    expect(statuses).toContain(429);
    for (const stream of ALL_STREAMS) {
      const keys = KEYS[stream] ?? [];
      expect(byKey(recordsOf(limited, stream), keys), stream).toEqual(byKey(recordsOf(clean, stream), keys));
    }
    // Backing off: most requests were answered, not refused.
    const refused = statuses.filter((status) => status === 429).length;
    expect(refused / statuses.length).toBeLessThan(0.3);
  });
});
