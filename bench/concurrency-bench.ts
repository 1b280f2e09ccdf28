// Adaptive concurrency benchmark (issue 14 §3). Prints figures; asserts nothing.
//  1. 100 ms latency, no rate limit: `devin-tap read` (sessions + session_messages) with adaptive
//     concurrency (max_concurrency 32, the default) against a fixed 8, same simulator, same run.
//  2. a rate limit of R requests/s (100 ms latency): achieved rate of admitted requests against R,
//     and the share of requests answered 429, adaptive against fixed 8.
//  3. a server that congests (issue 23 item 4; latency 50 ms x (1 + (in flight / 4)^2) through a
//     proxy): adaptive against every fixed setting, the best of which is the floor.
// Options: --sessions N (latency run) --limited-sessions N --rate R --congested-sessions N
//          --only latency|rate|congestion
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { type ChildRun, runChild } from './child-process.js';
import { startCongestionProxy } from './congestion-proxy.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const SESSIONS = option('sessions', 3000);
const LIMITED_SESSIONS = option('limited-sessions', 2000);
const RATE = option('rate', 50);
const CONGESTED_SESSIONS = option('congested-sessions', 300);
const LATENCY_MS = 100;
const cli = resolve('dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'devin-tap-concurrency-'));
const catalog = join(dir, 'catalog.json');
writeFileSync(
  catalog,
  JSON.stringify({
    streams: ['sessions', 'session_messages'].map((name) => ({
      stream: { name },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
    })),
  }),
);

const FIXED = [1, 2, 4, 6, 8, 16] as const;
const MODES: Record<string, Record<string, unknown>> = {
  adaptive: { max_concurrency: 32 },
  ...Object.fromEntries(
    FIXED.map((slots) => [`fixed ${slots}`, { max_concurrency: slots, adaptive_concurrency: false }]),
  ),
};
type Mode = string;

interface Measured {
  run: ChildRun;
  requests: number;
  refused: number;
  /** Admitted requests per second, first arrival to last. */
  admittedRate: number;
  /** The same after the first 5 s (the start: from 8 slots, and the first 429s that teach the rate). */
  steadyRate: number;
}

const START_MS = 5000;

async function read(sim: Simulator, mode: Mode, baseUrl = sim.baseUrl): Promise<Measured> {
  const config = join(dir, `config-${mode.replace(' ', '-')}.json`);
  const settings = { ...sim.config(), base_url: baseUrl, page_size: 200, max_retries: 20, ...MODES[mode] };
  writeFileSync(config, JSON.stringify(settings));
  sim.clearRequestLog();
  const run = await runChild(cli, ['read', '--config', config, '--catalog', catalog]);
  if (run.code !== 0) throw new Error(`devin-tap read (${mode}) exited ${run.code}: ${run.stderrTail}`);
  const log = sim.requestLog;
  const refused = log.filter((entry) => entry.status === 429).length;
  const arrivals = log.map((entry) => entry.at);
  const span = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000;
  const first = Math.min(...arrivals);
  const later = log.filter((entry) => entry.at >= first + START_MS && entry.status !== 429).length;
  const steadyRate = later / (span - START_MS / 1000);
  return { run, requests: log.length, refused, admittedRate: (log.length - refused) / span, steadyRate };
}

const line = (mode: string, m: Measured) =>
  `  ${mode.padEnd(8)} wall ${m.run.seconds.toFixed(2)} s, ${m.requests} requests (${m.refused} answered 429), ${m.admittedRate.toFixed(1)} admitted/s, CPU ${m.run.cpuSeconds.toFixed(1)} s`;

async function latencyRun(): Promise<void> {
  const sim = await startSimulator({
    sessions: SESSIONS,
    messagesPerSession: 5,
    seed: 44,
    latencyMs: LATENCY_MS,
  });
  try {
    const fixed = await read(sim, 'fixed 8');
    const adaptive = await read(sim, 'adaptive');
    console.log(`${LATENCY_MS} ms latency, no rate limit, ${SESSIONS} sessions:`);
    console.log(line('fixed 8', fixed));
    console.log(line('adaptive', adaptive));
    const ratio = adaptive.admittedRate / fixed.admittedRate;
    const wallRatio = fixed.run.seconds / adaptive.run.seconds;
    console.log(
      `  adaptive / fixed-8 throughput: ${ratio.toFixed(2)} (requests/s), ${wallRatio.toFixed(2)} (wall) (aim >= 2.5)`,
    );
  } finally {
    await sim.close();
  }
}

async function rateLimitedRun(): Promise<void> {
  const sim = await startSimulator({
    sessions: LIMITED_SESSIONS,
    messagesPerSession: 5,
    seed: 45,
    latencyMs: LATENCY_MS,
    rateLimit: RATE,
  });
  try {
    const adaptive = await read(sim, 'adaptive');
    const fixed = await read(sim, 'fixed 8');
    console.log(`rate limit ${RATE} requests/s, ${LATENCY_MS} ms latency, ${LIMITED_SESSIONS} sessions:`);
    console.log(line('adaptive', adaptive));
    console.log(line('fixed 8', fixed));
    const share = (m: Measured) => `${((100 * m.refused) / m.requests).toFixed(1)}%`;
    console.log(
      `  adaptive: achieved / R ${(adaptive.admittedRate / RATE).toFixed(2)} over the run, ${(adaptive.steadyRate / RATE).toFixed(2)} after the first 5 s (aim >= 0.9), 429 share ${share(adaptive)} (aim <= 2%)`,
    );
    console.log(
      `  fixed 8:  achieved / R ${(fixed.admittedRate / RATE).toFixed(2)} over the run, ${(fixed.steadyRate / RATE).toFixed(2)} after the first 5 s, 429 share ${share(fixed)}`,
    );
  } finally {
    await sim.close();
  }
}

async function congestedRun(): Promise<void> {
  const sim = await startSimulator({ sessions: CONGESTED_SESSIONS, messagesPerSession: 5, seed: 46 });
  const proxy = await startCongestionProxy(sim.baseUrl, 50, 4);
  try {
    console.log(
      `a server that congests (50 ms x (1 + (in flight / 4)^2)), ${CONGESTED_SESSIONS} sessions, wall of devin-tap read:`,
    );
    let best = { mode: '', seconds: Number.POSITIVE_INFINITY };
    for (const mode of [...FIXED.map((slots) => `fixed ${slots}`), 'adaptive']) {
      proxy.resetPeak();
      const measured = await read(sim, mode, proxy.url);
      console.log(`${line(mode, measured)}, peak in flight ${proxy.peakInFlight()}`);
      if (mode !== 'adaptive' && measured.run.seconds < best.seconds)
        best = { mode, seconds: measured.run.seconds };
      if (mode === 'adaptive') {
        const ratio = measured.run.seconds / best.seconds;
        console.log(`  adaptive / best fixed (${best.mode}) wall: ${ratio.toFixed(2)} (aim <= 1.10)`);
      }
    }
  } finally {
    await proxy.close();
    await sim.close();
  }
}

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
if (only === null || only === 'latency') await latencyRun();
if (only === null || only === 'rate') await rateLimitedRun();
if (only === null || only === 'congestion') await congestedRun();
