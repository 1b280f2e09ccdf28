import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { rowCount } from './helpers/database-rows.js';
import { CURSOR_STREAM_NAMES } from './helpers/ground-truth.js';
import { type Gate, startGate } from './helpers/local-server.js';
import { CLI, startCli } from './helpers/run-cli.js';
import {
  configFile,
  databasePath,
  expectTablesEqualSimulator,
  runSync,
  summaryRow,
  syncArgs,
  syncTempDir,
} from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

const SESSIONS = 60;
/** The streams whose checkpoints a kill tests (session_messages included); consumption has its own tests. */
const STREAMS_READ = CURSOR_STREAM_NAMES.join(',');

/**
 * Starts a sync, lets `requests` more requests through the gate, then kills it with SIGKILL the
 * moment it sends the next one (an event, not a pace: a busy machine cannot move the kill point).
 * Resolves with the signal that ended the child (null when it exited on its own first).
 */
async function killPartWay(args: readonly string[], gate: Gate, requests: number): Promise<string | null> {
  gate.holdAfter(gate.forwarded() + requests);
  const sync = startCli(CLI, ['sync', '--quiet', ...args]);
  await Promise.race([gate.whenHeld(), sync.ended]);
  sync.child.kill('SIGKILL');
  const { signal } = await sync.ended;
  gate.release();
  return signal ?? null;
}

interface Killed {
  database: string;
  /** Sessions and session messages committed when the sync was killed. */
  committed: number;
  messages: number;
}

/**
 * Kills a sync at each share of the requests in turn, each into a fresh database, until the sessions
 * committed at the kill satisfy `wanted`: on a busy machine the same share can find the writer
 * further behind or ahead. Returns the last attempt, so a test still fails when none qualified.
 */
async function killUntil(
  kind: TargetKind,
  sim: Simulator,
  gate: Gate,
  attempt: { name: (index: number) => string; args: (database: string) => string[]; latencyMs: number },
  requests: readonly number[],
  wanted: (killed: Killed) => boolean,
): Promise<Killed> {
  let last: Killed = { database: '', committed: -1, messages: -1 };
  for (const [index, count] of requests.entries()) {
    const database = attempt.name(index);
    sim.setNetwork({ latencyMs: attempt.latencyMs });
    sim.clearRequestLog();
    const signal = await killPartWay(attempt.args(database), gate, count);
    sim.setNetwork({ latencyMs: 0 });
    expect(signal, 'the sync was killed before it finished').toBe('SIGKILL');
    last = {
      database,
      committed: await rowCount(kind, database, 'sessions'),
      messages: await rowCount(kind, database, 'session_messages'),
    };
    if (wanted(last)) return last;
  }
  return last;
}

describe.each(KINDS)('devin-tap sync --target %s killed with SIGKILL part-way', (kind: TargetKind) => {
  let sim: Simulator;
  const dir = syncTempDir();
  let config = '';
  /** The same, through a gate that holds requests from the kill point on. */
  let gated = '';
  let gate: Gate;
  let fullRequests = 0;

  beforeAll(async () => {
    sim = await startSimulator({ sessions: SESSIONS, messagesPerSession: 4, seed: 55 });
    // Small pages: many checkpoints, many requests. Session index 1 (52 pages of messages, read one
    // after another) is in the last batch of sessions, so at 3/4 of the requests several batches are
    // committed (the writer has had time to catch up with the reader) and the last one is not.
    // Fixed concurrency: the kill points assume the reader runs at most 8 requests ahead.
    const fields = { page_size: 10, max_concurrency: 8, adaptive_concurrency: false };
    config = configFile(dir, sim, fields);
    gate = await startGate(sim.baseUrl);
    gated = configFile(dir, sim, { ...fields, base_url: gate.url });
    sim.clearRequestLog();
    const scratch = await runSync(syncArgs(config, kind, databasePath(dir, kind, 'scratch'), STREAMS_READ));
    expect(scratch.code, scratch.stderr).toBe(0);
    fullRequests = sim.requestLog.length;
  });
  afterAll(async () => {
    await gate.close();
    await sim.close();
  });

  it('the next sync finishes the job: every row once, equal to the API, fewer requests', async () => {
    const totalMessages = [...sim.sessions()].reduce(
      (sum, session) => sum + [...sim.messages(String(session.session_id))].length,
      0,
    );
    const { database, committed, messages } = await killUntil(
      kind,
      sim,
      gate,
      {
        name: (index) => databasePath(dir, kind, `crashed-${index}`),
        args: (file) => syncArgs(gated, kind, file, STREAMS_READ),
        latencyMs: 40,
      },
      [0.75, 0.6, 0.45, 0.3, 0.2, 0.12].map((share) => Math.floor(fullRequests * share)),
      (killed) => killed.committed > 0 && killed.messages < totalMessages,
    );
    // Killed part-way: a checkpoint committed, not every row. DuckDB often commits all sessions in
    // one go while their messages are still being read, so the cut is in the messages then.
    expect(committed).toBeGreaterThan(0);
    expect(messages).toBeLessThan(totalMessages);
    const states = await query(kind, database, 'SELECT stream FROM _devin_tap_state');
    expect(states.map((row) => row.stream)).toContain('sessions');

    sim.clearRequestLog();
    const resumed = await runSync(syncArgs(config, kind, database, STREAMS_READ));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sim.requestLog.length).toBeLessThan(fullRequests);
    await expectTablesEqualSimulator(kind, database, sim, CURSOR_STREAM_NAMES);
    expect(summaryRow(resumed, 'sessions')?.inserted).toBe(SESSIONS - committed);
  });

  it.each([0.3, 0.55])('killed at %s of the requests, the next sync is exact', async (fraction) => {
    const { database, committed } = await killUntil(
      kind,
      sim,
      gate,
      {
        name: (index) => databasePath(dir, kind, `early-${fraction}-${index}`),
        args: (file) => syncArgs(gated, kind, file, STREAMS_READ),
        latencyMs: 40,
      },
      [fraction, fraction * 0.7, fraction * 0.5].map((share) => Math.floor(fullRequests * share)),
      (killed) => killed.committed < SESSIONS,
    );
    expect(committed).toBeLessThan(SESSIONS);
    const resumed = await runSync(syncArgs(config, kind, database, STREAMS_READ));
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectTablesEqualSimulator(kind, database, sim, CURSOR_STREAM_NAMES);
  });

  it('killed while the writer thread is behind the reader (no latency), state and rows agree and the next sync is exact', async () => {
    // At zero latency pages arrive faster than the database thread writes them: the kill lands
    // while a write runs beside the read and more rows wait in the buffers.
    const { database, committed } = await killUntil(
      kind,
      sim,
      gate,
      {
        name: (index) => databasePath(dir, kind, `overlapped-${index}`),
        args: (file) => syncArgs(gated, kind, file),
        latencyMs: 0,
      },
      [0.6, 0.4, 0.25].map((share) => Math.floor(fullRequests * share)),
      (killed) => killed.committed < SESSIONS,
    );
    expect(committed).toBeLessThan(SESSIONS);

    const resumed = await runSync(syncArgs(config, kind, database));
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectTablesEqualSimulator(kind, database, sim);
    // The stored state covered exactly the committed rows: the rerun inserted every other session.
    expect(summaryRow(resumed, 'sessions')?.inserted).toBe(SESSIONS - committed);
  });

  it('a full refresh killed part-way leaves the old rows in place; the next one is exact', async () => {
    const database = databasePath(dir, kind, 'refresh');
    const first = await runSync(syncArgs(config, kind, database, STREAMS_READ));
    expect(first.code, first.stderr).toBe(0);
    sim.deleteSession(String([...sim.sessions()][3]?.session_id));

    sim.setNetwork({ latencyMs: 40 });
    sim.clearRequestLog();
    const args = [...syncArgs(config, kind, database, STREAMS_READ), '--full-refresh'];
    const gatedArgs = [...syncArgs(gated, kind, database, STREAMS_READ), '--full-refresh'];
    const signal = await killPartWay(gatedArgs, gate, Math.floor(fullRequests * 0.75));
    sim.setNetwork({ latencyMs: 0 });
    expect(signal).toBe('SIGKILL');
    // The sessions refresh had not completed: the old rows, the deleted session's too, are all there.
    expect(await rowCount(kind, database, 'sessions')).toBe(SESSIONS);

    const again = await runSync(args);
    expect(again.code, again.stderr).toBe(0);
    await expectTablesEqualSimulator(kind, database, sim, CURSOR_STREAM_NAMES);
    expect(await rowCount(kind, database, 'sessions')).toBe(SESSIONS - 1);
  });
});
