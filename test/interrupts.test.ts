/**
 * SIGINT and SIGTERM in every mode. Each child is interrupted at a known point of its work: a gate in
 * front of the simulator holds its requests from then on, so the signal always finds it mid-run, however
 * busy the machine (never after some time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { DEFAULT_COMMIT } from '../src/targets/event-writer.js';
import type { TargetKind } from '../src/targets/target.js';
import { airbyteMessages, configuredCatalog } from './helpers/airbyte-protocol.js';
import { rowCount } from './helpers/database-rows.js';
import { type Gate, startGate } from './helpers/local-server.js';
import {
  CLI,
  jsonLines,
  runCli,
  SINGER_CLI,
  type StartedCli,
  startCli,
  writeJson,
} from './helpers/run-cli.js';
import {
  configFile,
  databasePath,
  expectTablesEqualSimulator,
  runSync,
  syncArgs,
  syncTempDir,
} from './sync-helpers.js';
import { query } from './targets-helpers.js';

const SESSIONS = 120;
const STREAMS = ['sessions', 'sessions_insights', 'playbooks'];

/** Sends `signal` while the child waits on a held request, then lets the requests through again. */
async function interruptWhileHeld(gate: Gate, started: StartedCli, signal: NodeJS.Signals) {
  await gate.whenHeld();
  started.child.kill(signal);
  gate.release();
  return started.ended;
}

let sim: Simulator;
let gate: Gate;
const dir = syncTempDir();
let config = '';
/** The same, through the gate. */
let gated = '';
let fullRequests = 0;

beforeAll(async () => {
  sim = await startSimulator({ sessions: SESSIONS, messagesPerSession: 1, seed: 31 });
  gate = await startGate(sim.baseUrl);
  config = configFile(dir, sim, { page_size: 5, max_concurrency: 2 });
  gated = configFile(dir, sim, { page_size: 5, max_concurrency: 2, base_url: gate.url });
  sim.clearRequestLog();
  const scratch = await runSync(
    syncArgs(config, 'sqlite', databasePath(dir, 'sqlite', 'scratch'), STREAMS.join(',')),
  );
  expect(scratch.code, scratch.stderr).toBe(0);
  fullRequests = sim.requestLog.length;
});
afterAll(async () => {
  await gate.close();
  await sim.close();
});

describe('devin-tap sync interrupted', () => {
  it.each([
    ['duckdb', 'SIGINT', 130],
    ['sqlite', 'SIGINT', 130],
    ['duckdb', 'SIGTERM', 143],
    ['sqlite', 'SIGTERM', 143],
  ] as const)(
    '(%s) by %s commits what its checkpoints cover, says so, exits %s; the same command resumes',
    async (kind: TargetKind, signal, exitCode) => {
      const database = databasePath(dir, kind, `interrupted-${signal}`);
      const args = ['sync', ...syncArgs(gated, kind, database, STREAMS.join(','))];
      // Answers slower than the writer's commit interval: every round of pages before the hold is
      // committed (a busy machine only widens the gaps), so the interrupt finds committed checkpoints.
      sim.setNetwork({ latencyMs: DEFAULT_COMMIT.ms + 50 });
      gate.holdAfter(gate.forwarded() + 8);
      const run = await interruptWhileHeld(gate, startCli(CLI, args), signal);
      sim.setNetwork({ latencyMs: 0 });
      expect(run.code, run.stderr).toBe(exitCode);
      expect(run.stderr).toMatch(/^stream\s+inserted\s+updated\s+unchanged\s/m);
      expect(run.stderr).toMatch(/^sessions\s.*\binterrupted$/m);
      expect(run.stderr).not.toContain('failed');
      const committed = /^interrupted: ([\d,]+) rows committed; run the same command to resume$/m.exec(
        run.stderr,
      );
      expect(committed, run.stderr).not.toBeNull();
      let rows = 0;
      for (const stream of STREAMS) rows += await rowCount(kind, database, stream);
      expect(Number(committed?.[1]?.replaceAll(',', ''))).toBe(rows);
      expect(await rowCount(kind, database, 'sessions')).toBeLessThan(SESSIONS);
      expect((await query(kind, database, 'SELECT stream FROM _devin_tap_state')).length).toBeGreaterThan(0);
      const status = await runCli(CLI, ['status', '--json', '--database', database]);
      const pending = (
        JSON.parse(status.stdout) as { streams: { stream: string; checkpointPending: boolean }[] }
      ).streams
        .filter((row) => row.checkpointPending)
        .map((row) => row.stream);
      expect(pending, 'status shows the resumable checkpoint').toContain('sessions');
      const table = await runCli(CLI, ['status', '--database', database]);
      expect(table.stdout).toMatch(/^sessions\s.*\sresume\s+\S+$/m);

      sim.clearRequestLog();
      const resumed = await runSync(syncArgs(config, kind, database, STREAMS.join(',')));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(sim.requestLog.length).toBeLessThan(fullRequests);
      await expectTablesEqualSimulator(kind, database, sim, STREAMS);
    },
  );
});

describe('devin-tap sync --full-refresh killed', () => {
  it('killed (-9), it keeps the old rows, status shows the pending refresh, and the next one completes it', async () => {
    const database = databasePath(dir, 'sqlite', 'refresh-interrupted');
    const first = await runSync(syncArgs(config, 'sqlite', database, STREAMS.join(',')));
    expect(first.code, first.stderr).toBe(0);
    sim.setNetwork({ latencyMs: DEFAULT_COMMIT.ms + 50 }); // see the sync test above
    gate.holdAfter(gate.forwarded() + 8);
    const args = [...syncArgs(gated, 'sqlite', database, STREAMS.join(',')), '--full-refresh'];
    const run = await interruptWhileHeld(gate, startCli(CLI, ['sync', ...args]), 'SIGKILL');
    sim.setNetwork({ latencyMs: 0 });
    expect(run.signal).toBe('SIGKILL');
    expect(await rowCount('sqlite', database, 'sessions')).toBe(SESSIONS);

    const statusOf = async () => {
      const status = await runCli(CLI, ['status', '--json', '--database', database]);
      return (JSON.parse(status.stdout) as { streams: { stream: string; refreshPending: boolean }[] })
        .streams;
    };
    expect((await statusOf()).find((row) => row.stream === 'sessions')?.refreshPending).toBe(true);
    const table = await runCli(CLI, ['status', '--database', database]);
    expect(table.stdout).toMatch(/^sessions\s.*\srefresh\s+\S+$/m);

    const again = await runSync([
      ...syncArgs(config, 'sqlite', database, STREAMS.join(',')),
      '--full-refresh',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect((await statusOf()).filter((row) => row.refreshPending)).toEqual([]);
    await expectTablesEqualSimulator('sqlite', database, sim, STREAMS);
  });
});

describe('devin-tap load interrupted', () => {
  it('stops reading stdin, keeps what the last STATE covered, exits 130', async () => {
    const database = databasePath(dir, 'sqlite', 'load-interrupted');
    const load = startCli(CLI, ['load', '--target', 'sqlite', '--database', database]);
    const line = (message: object) => load.child.stdin.write(`${JSON.stringify(message)}\n`);
    line({
      type: 'SCHEMA',
      stream: 'items',
      key_properties: ['id'],
      schema: { properties: { id: { type: 'integer' } } },
    });
    for (const id of [1, 2, 3]) line({ type: 'RECORD', stream: 'items', record: { id } });
    line({ type: 'STATE', value: { bookmarks: { items: 3 } } });
    await load.waitFor('\n');
    for (const id of [4, 5]) line({ type: 'RECORD', stream: 'items', record: { id } });
    // A message load skips with a warning: once it is on stderr, records 4 and 5 were read.
    line({ type: 'ACTIVATE_VERSION', stream: 'items', version: 1 });
    await load.waitFor('skipping Singer ACTIVATE_VERSION messages (first at line 8)', 'stderr');
    load.child.kill('SIGINT'); // stdin stays open: the load must not wait for its end
    const run = await load.ended;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stdout).toBe('{"bookmarks":{"items":3}}\n');
    expect(run.stderr).toContain('interrupted: 3 rows committed; run the same command to resume');
    expect(await query('sqlite', database, 'SELECT id FROM items ORDER BY id')).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ]);
  });
});

describe('tap-devin and read interrupted', () => {
  it('tap-devin stops, flushes every line up to its last STATE and exits 130', async () => {
    const tap = startCli(SINGER_CLI, ['--config', gated]);
    await tap.waitFor('"type":"STATE"');
    gate.holdAfter(0);
    const run = await interruptWhileHeld(gate, tap, 'SIGINT');
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/INFO\s+interrupted by SIGINT: stopped reading/);
    const messages = jsonLines(run.stdout) as { type: string }[];
    expect(messages.filter((m) => m.type === 'STATE').length).toBeGreaterThan(0);
    expect(messages.filter((m) => m.type === 'RECORD').length).toBeLessThan(2 * SESSIONS + 75);
  });

  it('read stops on SIGTERM with valid Airbyte messages, its STATEs flushed, and exits 143', async () => {
    const catalog = writeJson(dir, 'catalog.json', configuredCatalog(STREAMS));
    const read = startCli(CLI, ['read', '--config', gated, '--catalog', catalog]);
    await read.waitFor('"type":"STATE"');
    gate.holdAfter(0);
    const run = await interruptWhileHeld(gate, read, 'SIGTERM');
    expect(run.code, run.stderr).toBe(143);
    const messages = airbyteMessages(run.stdout);
    expect(messages.filter((m) => m.type === 'RECORD').length).toBeLessThan(2 * SESSIONS + 25);
    expect(messages.filter((m) => m.type === 'STATE').length).toBeGreaterThan(0);
    expect(messages.at(-1)?.log?.message).toContain('interrupted by SIGTERM: stopped reading');
  });
});
