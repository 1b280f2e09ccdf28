import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';

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

  it('rateLimit: beyond N requests/s a 429 problem with Retry-After in seconds or as an HTTP date', async () => {
    sim = await startSimulator({ sessions: 10, rateLimit: 4 });
    const outcomes = await Promise.all(Array.from({ length: 24 }, () => attempt(sim)));
    const statuses = outcomes.map((outcome) => (outcome.kind === 'status' ? outcome.status : 0));
    // A burst of 24 arrives well within one second: 4 admitted, the rest limited (a loaded machine may
    // stretch the burst past the window, which admits a few more).
    const limitedCount = statuses.filter((status) => status === 429).length;
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(4);
    expect(limitedCount).toBeGreaterThanOrEqual(12);
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    const waits = outcomes.flatMap((outcome) =>
      outcome.kind === 'status' && outcome.status === 429 ? [outcome.retryAfter] : [],
    );
    const seconds = waits.filter((value) => /^[0-9]+$/.test(value ?? ''));
    const dates = waits.filter(
      (value) => !Number.isNaN(Date.parse(value ?? '')) && !/^[0-9]+$/.test(value ?? ''),
    );
    expect(seconds.length + dates.length).toBe(limitedCount);
    expect(seconds.length).toBeGreaterThan(0);
    expect(dates.length).toBeGreaterThan(0);
    for (const value of seconds) expect(Number(value)).toBeGreaterThanOrEqual(1);
    for (const value of dates) expect(Date.parse(value ?? '')).toBeGreaterThan(Date.now() - 1000);
    const limited = outcomes.find((outcome) => outcome.kind === 'status' && outcome.status === 429);
    expect(limited?.kind === 'status' && JSON.parse(limited.text)).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
    });
    sim.setNetwork({ rateLimit: 0 });
    const after = await Promise.all(Array.from({ length: 10 }, () => attempt(sim)));
    expect(after.every((outcome) => outcome.kind === 'status' && outcome.status === 200)).toBe(true);
  });

  it('latencyMs delays every response by at least that long', async () => {
    sim = await startSimulator({ sessions: 5, latencyMs: 150 });
    const started = performance.now();
    expect(await attempt(sim)).toMatchObject({ status: 200 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('rejects invalid knobs', async () => {
    sim = await startSimulator({ sessions: 1 });
    expect(() => sim.setNetwork({ faultRate: 2 })).toThrow(/faultRate/);
    expect(() => sim.setNetwork({ latencyMs: -1 })).toThrow(/latencyMs/);
    await expect(startSimulator({ sessions: -1 })).rejects.toThrow(/sessions/);
    await expect(startSimulator({ orgId: 'acme' })).rejects.toThrow(/orgId/);
  });
});
