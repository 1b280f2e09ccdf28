/**
 * Finer resume through the built CLI: a sessions+messages sync of a small organization (one page of
 * sessions) on a slow API, killed (SIGKILL) or interrupted (SIGINT) while it waits on the API. The
 * messages read before the interrupt were committed about once a second, so the rerun asks for clearly
 * fewer messages than a fresh sync and ends exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { type Gate, startGate } from './helpers/local-server.js';
import { CLI, startCli } from './helpers/run-cli.js';
import {
  configFile,
  databasePath,
  expectTablesEqualSimulator,
  messageRequestSessions,
  runSync,
  syncArgs,
  syncTempDir,
} from './sync-helpers.js';

const SESSIONS = 60;
const STREAMS = 'sessions,session_messages';
/** Message requests answered before the API is held: several seconds of reading at this latency. */
const ANSWERED = 36;

let sim: Simulator;
let gate: Gate;
const dir = syncTempDir();

beforeAll(async () => {
  sim = await startSimulator({ sessions: SESSIONS, messagesPerSession: 2, seed: 12 });
  gate = await startGate(sim.baseUrl);
});
afterAll(async () => {
  await gate.close();
  await sim.close();
});

describe.each(['SIGKILL', 'SIGINT'] as const)('a sessions+messages sync stopped by %s', (signal) => {
  it('resumes with only the messages not committed, and ends exact', async () => {
    const database = databasePath(dir, 'sqlite', signal);
    const fixed = { max_concurrency: 2, adaptive_concurrency: false };
    const gated = configFile(dir, sim, { ...fixed, base_url: gate.url });
    sim.setNetwork({ latencyMs: 250 });
    // The request before the database, one page of sessions, then ANSWERED message requests.
    gate.holdAfter(gate.forwarded() + 2 + ANSWERED);
    const started = startCli(CLI, ['sync', '--quiet', ...syncArgs(gated, 'sqlite', database, STREAMS)]);
    await gate.whenHeld();
    started.child.kill(signal);
    await started.ended;
    gate.release();
    sim.setNetwork({ latencyMs: 0 });

    sim.clearRequestLog();
    const rerun = await runSync(syncArgs(configFile(dir, sim, fixed), 'sqlite', database, STREAMS));
    expect(rerun.code, rerun.stderr).toBe(0);
    const reread = new Set(messageRequestSessions(sim));
    // A whole page of sessions was open: without finer checkpoints every session is read again. Here
    // at least two checkpoints' worth (a second of reading each) were committed and are not re-read.
    expect(reread.size).toBeLessThanOrEqual(SESSIONS - 8);
    await expectTablesEqualSimulator('sqlite', database, sim, ['sessions', 'session_messages']);
  });
});
