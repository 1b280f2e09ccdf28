import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { Network } from '../src/simulator/network.js';

type Outcome =
  | { kind: 'status'; status: number; text: string; retryAfter: string | null }
  | { kind: 'dropped' };

async function attempt(sim: Simulator, rest = '/sessions?first=5'): Promise<Outcome> {
  try {
    const response = await fetch(`${sim.baseUrl}/v3/organizations/${sim.orgId}${rest}`, {
      headers: { authorization: `Bearer ${sim.token}` },
    });
    return {
      kind: 'status',
      status: response.status,
      text: await response.text(),
      retryAfter: response.headers.get('retry-after'),
    };
  } catch {
    return { kind: 'dropped' };
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('simulator network knobs', () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  it('faultRate 1: every request fails with a 5xx, a dropped connection or a truncated 200 body', async () => {
    sim = await startSimulator({ sessions: 10, faultRate: 1, seed: 3 });
    const outcomes: Outcome[] = [];
    for (let n = 0; n < 60; n++) outcomes.push(await attempt(sim));
    const kinds = new Set(
      outcomes.map((outcome) => {
        if (outcome.kind === 'dropped') return 'dropped';
        if (outcome.status === 200) {
          expect(isJson(outcome.text)).toBe(false);
          return 'truncated';
        }
        expect(JSON.parse(outcome.text)).toMatchObject({ status: outcome.status, type: 'about:blank' });
        return String(outcome.status);
      }),
    );
    expect(kinds).toEqual(new Set(['500', '502', '503', 'dropped', 'truncated']));
    expect(
      sim.requestLog.filter((entry) => entry.fault === 'drop').every((entry) => entry.status === 0),
    ).toBe(true);
    expect(sim.requestLog.every((entry) => entry.fault !== undefined)).toBe(true);
  });

  it('faultRate 0.25 hits about a quarter of requests; setNetwork switches it off at run time', async () => {
    sim = await startSimulator({ sessions: 10, faultRate: 0.25 });
    for (let n = 0; n < 200; n++) await attempt(sim);
    const faulty = sim.requestLog.filter((entry) => entry.fault !== undefined).length;
    expect(faulty).toBeGreaterThan(25);
    expect(faulty).toBeLessThan(80);
    sim.setNetwork({ faultRate: 0 });
    sim.clearRequestLog();
    for (let n = 0; n < 30; n++) expect(await attempt(sim)).toMatchObject({ status: 200 });
    expect(sim.requestLog.some((entry) => entry.fault !== undefined)).toBe(false);
  });

  it('rateLimit: over the HTTP server, a 429 problem with Retry-After once past the limit', async () => {
    sim = await startSimulator({ sessions: 10, rateLimit: 1 });
    // One request a second: sequential requests meet a 429 at once, unless each took over a second.
    let limited: Outcome | undefined;
    for (let n = 0; n < 50 && limited === undefined; n++) {
      const outcome = await attempt(sim);
      if (outcome.kind === 'status' && outcome.status === 429) limited = outcome;
    }
    expect(limited?.kind === 'status' && JSON.parse(limited.text)).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
    });
    expect(limited?.kind === 'status' && /^[0-9]+$|GMT$/.test(limited.retryAfter ?? '')).toBe(true);
    sim.setNetwork({ rateLimit: 0 });
    for (let n = 0; n < 10; n++) expect(await attempt(sim)).toMatchObject({ status: 200 });
  });

  it('rejects invalid knobs', async () => {
    sim = await startSimulator({ sessions: 1 });
    expect(() => sim.setNetwork({ faultRate: 2 })).toThrow(/faultRate/);
    expect(() => sim.setNetwork({ latencyMs: -1 })).toThrow(/latencyMs/);
    await expect(startSimulator({ sessions: -1 })).rejects.toThrow(/sessions/);
    await expect(startSimulator({ orgId: 'acme' })).rejects.toThrow(/orgId/);
  });
});

describe('simulator network knobs on a fake clock', () => {
  it('rateLimit on a fake clock: N admitted per sliding second, then Retry-After in seconds or as an HTTP date', () => {
    const NOW = Date.UTC(2026, 0, 1, 12, 0, 0, 250);
    const network = new Network(1, { latencyMs: 0, rateLimit: 4, faultRate: 0 });
    const burst = Array.from({ length: 24 }, () => network.retryAfter(NOW));
    expect(burst.slice(0, 4)).toEqual([null, null, null, null]);
    const waits = burst.slice(4);
    expect(waits.every((value) => value !== null)).toBe(true);
    // Every fourth refusal names an HTTP date (rounded up to a whole second), the others seconds.
    const dates = waits.filter((value) => /GMT$/.test(value ?? ''));
    expect(dates.length).toBe(5);
    for (const value of waits.filter((value) => !/GMT$/.test(value ?? ''))) expect(value).toBe('1');
    for (const value of dates) expect(Date.parse(value ?? '')).toBe(Date.UTC(2026, 0, 1, 12, 0, 2));
    // The window slides: a second after the burst, four more are admitted.
    expect(network.retryAfter(NOW + 999)).not.toBeNull();
    expect(Array.from({ length: 5 }, () => network.retryAfter(NOW + 1000))).toEqual([
      null,
      null,
      null,
      null,
      '1',
    ]);
  });

  it('latencyMs delays every response by that long (fake timers)', async () => {
    vi.useFakeTimers();
    try {
      const network = new Network(1, { latencyMs: 150, rateLimit: 0, faultRate: 0 });
      let done = false;
      void network.delay()?.then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(149);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      expect(new Network(1, { latencyMs: 0, rateLimit: 0, faultRate: 0 }).delay()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
