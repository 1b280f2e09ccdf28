// Read benchmark (issue: foundation §8). Prints figures; asserts nothing.
//  1. throughput: `devin-tap read` of all six streams from a zero-latency simulator (20,000 sessions x
//     20 messages) against a floor measured in the same run (bench/floor-reader: same pages, same
//     concurrency, parse only) and a second floor that also writes the same Airbyte RECORD lines to
//     stdout (the tap's output work, done bare); peak RSS of the tap process.
//  2. latency: wall time with 50 ms per request against the bound requests x 50 ms / max_concurrency,
//     split into start-up, requests and exit, with the floor's wall at the same latency.
//  3. a 100 MB page: peak RSS of `devin-tap read` of one playbooks page holding a 100 MB body,
//     against the same read of a 1 KB page.
// The tap runs with a fixed max_concurrency of 8 (adaptive_concurrency: false), as the floor does;
// bench/concurrency-bench.ts measures adaptive concurrency.
// Options: --sessions N --messages N --latency-sessions N --big-page-mb N
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator } from '../src/simulator/index.js';
import { type ChildRun, runChild } from './child-process.js';
import { BENCH_STREAMS } from './sync-setup.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const SESSIONS = option('sessions', 20_000);
const MESSAGES = option('messages', 20);
const LATENCY_SESSIONS = option('latency-sessions', 400);
const BIG_PAGE_MB = option('big-page-mb', 100);
const CONCURRENCY = 8;
const PAGE_SIZE = 200;
const cli = resolve('dist/src/cli.js');
const floorReader = resolve('dist/bench/floor-reader.js');
const httpLoop = resolve('dist/bench/http-loop.js');
const dir = mkdtempSync(join(tmpdir(), 'devin-tap-bench-'));

const catalog = join(dir, 'catalog.json');
writeFileSync(
  catalog,
  JSON.stringify({
    streams: BENCH_STREAMS.map((name) => ({
      stream: { name },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
    })),
  }),
);

function ensureOk(label: string, run: ChildRun): void {
  if (run.code !== 0) throw new Error(`${label} exited ${run.code}: ${run.stderrTail}`);
}

async function throughput(): Promise<void> {
  const sim = await startSimulator({ sessions: SESSIONS, messagesPerSession: MESSAGES, seed: 42 });
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      ...sim.config(),
      page_size: PAGE_SIZE,
      max_concurrency: CONCURRENCY,
      adaptive_concurrency: false,
    }),
  );
  try {
    const floorArgs = [sim.baseUrl, sim.orgId, sim.token, String(PAGE_SIZE), String(CONCURRENCY)];
    const floor = await runChild(floorReader, floorArgs);
    ensureOk('floor', floor);
    const encodingFloor = await runChild(floorReader, [...floorArgs, 'encode']);
    ensureOk('encoding floor', encodingFloor);
    sim.clearRequestLog();
    const tap = await runChild(cli, ['read', '--config', config, '--catalog', catalog]);
    ensureOk('devin-tap read', tap);
    const records = records_of(sim);
    const floorRate = records / floor.seconds;
    const tapRate = records / tap.seconds;
    console.log(
      `org: ${SESSIONS} sessions x ${MESSAGES} messages, ${records.toLocaleString()} records, ${sim.requestLog.length} requests`,
    );
    console.log(
      `floor (bare fetch + parse): ${floor.seconds.toFixed(2)} s, ${Math.round(floorRate).toLocaleString()} records/s`,
    );
    const encodingRate = records / encodingFloor.seconds;
    console.log(
      `floor (fetch + parse + Airbyte lines): ${encodingFloor.seconds.toFixed(2)} s, ${Math.round(encodingRate).toLocaleString()} records/s, peak RSS ${encodingFloor.peakRssMb.toFixed(0)} MB`,
    );
    console.log(
      `devin-tap read:             ${tap.seconds.toFixed(2)} s, ${Math.round(tapRate).toLocaleString()} records/s`,
    );
    console.log(`ratio to floor: ${(tapRate / floorRate).toFixed(2)} (aim >= 0.8)`);
    console.log(`ratio to the encoding floor: ${(tapRate / encodingRate).toFixed(2)} (aim >= 0.95)`);
    // The simulator runs in this process and shares the machine's cores with the reader, so wall
    // times move with the load; CPU seconds show what each reader itself costs.
    const cpu = (run: ChildRun) =>
      `${run.cpuSeconds.toFixed(1)} s (simulator and bench: ${run.parentCpuSeconds.toFixed(1)} s)`;
    console.log(
      `CPU: floor ${cpu(floor)}, encoding floor ${cpu(encodingFloor)}, devin-tap read ${cpu(tap)}, read / floor ${(tap.cpuSeconds / floor.cpuSeconds).toFixed(2)} (aim <= 1.5), load average ${loadavg()[0]?.toFixed(1)}`,
    );
    console.log(`peak RSS of devin-tap read: ${tap.peakRssMb.toFixed(0)} MB (aim <= 150 MB)`);
    await httpLayer(sim);
  } finally {
    await sim.close();
  }
}

/** The HTTP layer alone against a bare undici loop: the same message pages, 8 at a time. */
async function httpLayer(sim: Awaited<ReturnType<typeof startSimulator>>): Promise<void> {
  const ids = join(dir, 'session-ids.txt');
  writeFileSync(ids, [...sim.sessions()].map((session) => String(session.session_id)).join('\n'));
  const args = [sim.baseUrl, sim.orgId, sim.token, ids];
  const bare = await runChild(httpLoop, ['bare', ...args]);
  ensureOk('bare undici loop', bare);
  const client = await runChild(httpLoop, ['client', ...args]);
  ensureOk('tap HTTP client loop', client);
  console.log(
    `HTTP layer alone (${SESSIONS} message pages, 8 at a time): tap client ${client.cpuSeconds.toFixed(1)} CPU-s, ${client.seconds.toFixed(2)} s wall; bare undici ${bare.cpuSeconds.toFixed(1)} CPU-s, ${bare.seconds.toFixed(2)} s wall; CPU ratio ${(client.cpuSeconds / bare.cpuSeconds).toFixed(2)}`,
  );
}

function records_of(sim: Awaited<ReturnType<typeof startSimulator>>): number {
  let count = 0;
  for (const session of sim.sessions()) {
    count += 2; // the session and its insights
    for (const _ of sim.messages(String(session.session_id))) count += 1;
  }
  for (const list of [sim.playbooks(), sim.secrets(), sim.knowledgeNotes()]) for (const _ of list) count += 1;
  return count;
}

const LATENCY_MS = 50;

/**
 * Where a latency run's wall time goes: start-up (spawn to the first request, from the simulator's
 * log), the requests (first request to last response), and exit. The bound requests x latency /
 * max_concurrency is idealised: before the first sessions page returns only the list streams can
 * be in flight, so `firstWave` slots of the first round trip cannot be used; `scheduleBound` counts
 * that, and is the lower bound a perfect client could reach once started.
 */
function latencyBreakdown(
  run: ChildRun,
  log: readonly { at: number }[],
  startedAt: number,
): { startup: number; span: number; exit: number } {
  const arrivals = log.map((entry) => entry.at);
  const first = (Math.min(...arrivals) - startedAt) / 1000;
  const last = (Math.max(...arrivals) + LATENCY_MS - startedAt) / 1000;
  return { startup: first, span: last - first, exit: run.seconds - last };
}

async function latency(): Promise<void> {
  const sim = await startSimulator({
    sessions: LATENCY_SESSIONS,
    messagesPerSession: MESSAGES,
    seed: 43,
    latencyMs: LATENCY_MS,
  });
  const config = join(dir, 'config-latency.json');
  writeFileSync(
    config,
    JSON.stringify({
      ...sim.config(),
      page_size: PAGE_SIZE,
      max_concurrency: CONCURRENCY,
      adaptive_concurrency: false,
    }),
  );
  try {
    const floorStarted = Date.now();
    const floor = await runChild(floorReader, [
      sim.baseUrl,
      sim.orgId,
      sim.token,
      String(PAGE_SIZE),
      String(CONCURRENCY),
    ]);
    ensureOk('floor (latency)', floor);
    const floorParts = latencyBreakdown(floor, sim.requestLog, floorStarted);
    sim.clearRequestLog();
    const started = Date.now();
    const tap = await runChild(cli, ['read', '--config', config, '--catalog', catalog]);
    ensureOk('devin-tap read (latency)', tap);
    const requests = sim.requestLog.length;
    const parts = latencyBreakdown(tap, sim.requestLog, started);
    const firstWave = sim.requestLog.filter((entry) => entry.at - started < parts.startup * 1000 + 10).length;
    const bound = (requests * LATENCY_MS) / 1000 / CONCURRENCY;
    const scheduleBound = LATENCY_MS / 1000 + ((requests - firstWave) * LATENCY_MS) / 1000 / CONCURRENCY;
    const s = (seconds: number) => `${seconds.toFixed(2)} s`;
    console.log(
      `latency ${LATENCY_MS} ms: ${requests} requests, wall ${s(tap.seconds)}, bound ${s(bound)}, ratio ${(tap.seconds / bound).toFixed(2)} (aim <= 1.1)`,
    );
    console.log(
      `  wall = start-up ${s(parts.startup)} (spawn to first request) + requests ${s(parts.span)} + exit ${s(parts.exit)}`,
    );
    console.log(
      `  requests vs bound: ${(parts.span / bound).toFixed(2)}; vs schedule bound ${s(scheduleBound)} (only ${firstWave} list requests can run before the first sessions page returns): ${(parts.span / scheduleBound).toFixed(2)}`,
    );
    console.log(
      `  floor at ${LATENCY_MS} ms (same pages and concurrency): wall ${s(floor.seconds)} = start-up ${s(floorParts.startup)} + requests ${s(floorParts.span)}`,
    );
  } finally {
    await sim.close();
  }
}

/** A server whose playbooks list is one page holding one playbook with a `bytes`-long body. */
async function bigPageServer(bytes: number): Promise<{ url: string; close: () => void }> {
  const playbook = { playbook_id: 'playbook-big', title: 'big', created_at: 1, updated_at: 1, body: '' };
  const head = JSON.stringify({ items: [{ ...playbook, body: '\u0000' }] }).split('\\u0000');
  const page = Buffer.concat([
    Buffer.from(head[0] ?? ''),
    Buffer.alloc(bytes, 'a'),
    Buffer.from(`${head[1] ?? ''}`.replace(/}$/, ',"end_cursor":null,"has_next_page":false,"total":1}')),
  ]);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': page.length });
    res.end(page);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function bigPage(): Promise<void> {
  const playbooks = join(dir, 'catalog-playbooks.json');
  writeFileSync(
    playbooks,
    JSON.stringify({
      streams: [
        { stream: { name: 'playbooks' }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
      ],
    }),
  );
  const peak = async (bytes: number): Promise<number> => {
    const server = await bigPageServer(bytes);
    const config = join(dir, `config-big-${bytes}.json`);
    writeFileSync(
      config,
      JSON.stringify({ api_token: 'cog_bench', org_id: 'org-bench', base_url: server.url }),
    );
    try {
      const run = await runChild(cli, ['read', '--config', config, '--catalog', playbooks]);
      ensureOk(`devin-tap read (${bytes} byte page)`, run);
      return run.peakRssMb;
    } finally {
      server.close();
    }
  };
  const small = await peak(1024);
  const big = await peak(BIG_PAGE_MB * 1_048_576);
  console.log(
    `a ${BIG_PAGE_MB} MB page: peak RSS ${big.toFixed(0)} MB against ${small.toFixed(0)} MB for a 1 KB page: rise ${(big - small).toFixed(0)} MB (aim <= page + 100 MB = ${BIG_PAGE_MB + 100} MB)`,
  );
}

await throughput();
await latency();
await bigPage();
