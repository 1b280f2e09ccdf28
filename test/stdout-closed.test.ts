/**
 * The reader of stdout goes away mid-read (`| head`, a destination that stopped): the read stops at
 * once with one line on stderr and exit code 1; no stack trace, no token. A gate in front of the
 * simulator holds the requests while stdout is closed, so the child always has more to write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { configuredCatalog } from './helpers/airbyte-protocol.js';
import { type Gate, startGate } from './helpers/local-server.js';
import { CLI, SINGER_CLI, startCli, writeJson } from './helpers/run-cli.js';
import { configFile, syncTempDir } from './sync-helpers.js';

const STREAMS = ['sessions', 'sessions_insights', 'playbooks'];
let sim: Simulator;
let gate: Gate;
const dir = syncTempDir();
let gated = '';

beforeAll(async () => {
  sim = await startSimulator({ sessions: 120, messagesPerSession: 1, seed: 37 });
  gate = await startGate(sim.baseUrl);
  gated = configFile(dir, sim, { page_size: 5, max_concurrency: 2, base_url: gate.url });
});

afterAll(async () => {
  await gate.close();
  await sim.close();
});

describe('stdout closed mid-read', () => {
  it.each([
    ['devin-tap read', CLI, 'devin-tap'],
    ['tap-devin', SINGER_CLI, 'tap-devin'],
  ])('%s stops with one line on stderr and exit code 1', async (_label, script, name) => {
    gate.release();
    const catalog = writeJson(dir, 'catalog.json', configuredCatalog(STREAMS));
    const args = script === CLI ? ['read', '--config', gated, '--catalog', catalog] : ['--config', gated];
    const run = startCli(script, args);
    await run.waitFor('"type":"RECORD"');
    gate.holdAfter(0);
    await gate.whenHeld();
    run.child.stdout.destroy();
    gate.release();
    const result = await run.ended;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`${name}: error: cannot write to stdout (EPIPE)`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain(sim.token);
  });
});
