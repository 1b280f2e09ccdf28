import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { parseConfig } from '../src/tap/config.js';
import { createHttpClient } from '../src/tap/http/http.js';
import { AdaptiveLimiter, FixedLimiter, type Timers } from '../src/tap/http/limiter.js';
import { type Outcome, PaceFinder } from '../src/tap/http/pace.js';
import { startLocalServer } from './helpers/local-server.js';
import { congesting, flat, runVirtual } from './helpers/virtual-server.js';
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

describe('PaceFinder (a gradient on the latency floor, on a fake clock)', () => {
  it('grows to the ceiling while latency stays at its floor, and only when the slots are all busy', () => {
    const pace = finderAt(32);
    const limits: number[] = [];
    for (let i = 0; i < 40; i++) {
      pace.fullWindow(100);
      limits.push(pace.finder.limit);
    }
    expect(limits.at(-1)).toBe(32);
    // Monotone: a flat latency never shrinks the slots.
    expect(limits).toEqual([...limits].sort((a, b) => a - b));
    const idle = finderAt(32);
    for (let i = 0; i < 40; i++) {
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

  it('shrinks when latency rises above its floor, and holds where latency and slots balance', () => {
    const pace = finderAt(32);
    for (let i = 0; i < 8; i++) pace.fullWindow(100); // the floor: 100 ms
    const before = pace.finder.limit;
    expect(before).toBeGreaterThan(8);
    pace.fullWindow(300);
    expect(pace.finder.limit).toBeLessThan(before);
    for (let i = 0; i < 30; i++) pace.fullWindow(300);
    // Three times the floor: the gradient is at its least (1/2), so the slots settle where half of
    // them plus the queue allowance (a quarter) is no more than them: at most a few.
    expect(pace.finder.limit).toBeLessThanOrEqual(4);
  });

  it('halves on a 429 once per decrease, learns the admitted rate, and pauses when paced 429s go on', () => {
    const pace = finderAt(32);
    for (let i = 0; i < 12; i++) pace.fullWindow(100);
    const slots = pace.finder.limit;
    const sentBefore = pace.now() - 50;
    pace.throttle(1000);
    expect(pace.finder.limit).toBe(Math.floor(slots / 2));
    const learnt = pace.finder.rate ?? 0;
    expect(learnt).toBeGreaterThan(0);
    expect(pace.finder.pausedUntil).toBe(0);
    // Requests sent before the decrease answer 429 too: no second halving.
    pace.throttle(1000, sentBefore);
    expect(pace.finder.limit).toBe(Math.floor(slots / 2));
    // A request sent after the decrease still refused: halve again and wait as the API asks.
    pace.advance(200);
    pace.throttle(1000);
    expect(pace.finder.limit).toBe(Math.floor(Math.floor(slots / 2) / 2));
    expect(pace.finder.pausedUntil).toBe(pace.now() + 1000);
  });

  it('a learnt rate ages: one 429 at most halves it; it grows without 429s and is forgotten once it holds nothing back', () => {
    const pace = finderAt(32);
    for (let i = 0; i < 12; i++) pace.fullWindow(100);
    pace.throttle(null);
    const learnt = pace.finder.rate ?? 0;
    expect(learnt).toBeGreaterThan(0);
    // A storm: 429s every 400 ms while almost nothing gets through.
    for (let i = 0; i < 9; i++) {
      pace.advance(400);
      pace.throttle(null);
    }
    expect(pace.finder.rate ?? 0).toBeGreaterThanOrEqual(learnt / 2 ** 9);
    const after = pace.finder.rate ?? 0;
    const answer = () => {
      pace.advance(100);
      pace.finder.onOutcome(
        { startedAt: pace.now() - 50, latencyMs: 50, throttled: false },
        pace.now(),
        null,
      );
    };
    // While the pace holds starts back, each quiet second raises the rate, faster the longer it lasts.
    const rates: number[] = [];
    for (let second = 0; second < 5; second++) {
      pace.finder.markPaced();
      for (let k = 0; k < 10; k++) answer();
      rates.push(pace.finder.rate ?? 0);
    }
    expect(rates[0]).toBeGreaterThan(after);
    const steps = rates.slice(1).map((rate, i) => rate / (rates[i] ?? 1));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    // A second in which the pace held nothing back: forgotten, starts are unpaced.
    for (let k = 0; k < 10; k++) answer();
    expect(pace.finder.rate).toBeNull();
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

describe('adaptive concurrency on a virtual clock (figures independent of the machine)', () => {
  const adaptive = (ceiling: number) => (clock: () => number, timers: Timers) =>
    new AdaptiveLimiter(ceiling, clock, timers);
  const fixed = (slots: number) => (clock: () => number) => new FixedLimiter(slots, clock);

  it('a server that congests: never more than 10% slower than the best fixed setting', async () => {
    for (const [name, model] of [
      ['quadratic, best at 4', congesting(50, 4)],
      ['quadratic, best at 8', congesting(20, 8)],
      ['cubic, best at 3', (n: number) => 50 * (1 + (n / 4) ** 3)],
    ] as const) {
      let best = Number.POSITIVE_INFINITY;
      for (const slots of [1, 2, 3, 4, 6, 8, 12, 16, 24, 32]) {
        best = Math.min(best, (await runVirtual(fixed(slots), model, 2000)).elapsedMs);
      }
      const found = await runVirtual(adaptive(32), model, 2000);
      expect(found.elapsedMs / best, name).toBeLessThanOrEqual(1.1);
      // Adaptive once climbed to 25 here (310 s where a fixed 4 took 52 s).
      expect(found.peakInFlight, name).toBeLessThanOrEqual(12);
    }
  });

  it('100 ms and no limit: at least 2.5x the throughput of a fixed 8', async () => {
    const eight = await runVirtual(fixed(8), flat(100), 4000);
    const found = await runVirtual(adaptive(32), flat(100), 4000);
    expect(eight.elapsedMs / found.elapsedMs).toBeGreaterThanOrEqual(2.5);
    expect(found.peakInFlight).toBe(32);
  });

  it('a short 429 storm costs seconds, not the rest of the sync: unpaced within seconds of the last 429', async () => {
    const clean = await runVirtual(adaptive(32), flat(50), 8000);
    // Nine 429s within 4 s (one arrival in 300 from the second 2 on).
    const storm = await runVirtual(adaptive(32), flat(50), 8000, {
      throttle: (at, index) => at >= 2000 && at < 6000 && index % 300 === 0,
    });
    expect(storm.lastThrottleMs).not.toBeNull();
    const last = storm.lastThrottleMs ?? 0;
    expect(storm.unpacedAtMs).not.toBeNull();
    expect((storm.unpacedAtMs ?? 0) - last).toBeLessThanOrEqual(8000);
    // Once unpaced the slots regrow: the storm adds little to the whole run (it once made it 21x).
    expect(storm.elapsedMs / clean.elapsedMs).toBeLessThan(1.5);
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

  it('never goes past the ceiling', async () => {
    const { peak, client } = await maxInFlight({ max_concurrency: 12 }, 400);
    expect(peak).toBeLessThanOrEqual(12);
    expect(client.peakInFlight).toBeLessThanOrEqual(12);
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
    // Every 429 was retried: each request the API refused was asked again until admitted.
    for (const stream of ALL_STREAMS) {
      const keys = KEYS[stream] ?? [];
      expect(byKey(recordsOf(limited, stream), keys), stream).toEqual(byKey(recordsOf(clean, stream), keys));
    }
  });
});
