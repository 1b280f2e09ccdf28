/**
 * What a person sees in an 80-column terminal: the live progress lines, the log lines above them, an
 * interrupt (Ctrl-C) and its resume, and the summary all fit; nothing is left to the terminal to wrap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { type Gate, startGate } from './helpers/local-server.js';
import { CLI } from './helpers/run-cli.js';
import { screenLines, startInTerminal } from './helpers/terminal.js';
import { configFile, databasePath, syncTempDir } from './sync-helpers.js';

let sim: Simulator;
let gate: Gate;
const dir = syncTempDir();
let config = '';

beforeAll(async () => {
  sim = await startSimulator({ sessions: 40, messagesPerSession: 2, users: 4, seed: 80 });
  gate = await startGate(sim.baseUrl);
  // A misspelt field: its warning is one of the lines that must fit.
  config = configFile(dir, sim, { base_url: gate.url, page_size: 5, max_concurrency: 2, page_sise: 9 });
});
afterAll(async () => {
  await gate.close();
  await sim.close();
});

function expectFits(screen: string): void {
  const lines = screenLines(screen);
  expect(lines.length).toBeGreaterThan(5);
  expect(lines.filter((line) => line.length > 80)).toEqual([]);
}

describe('devin-tap sync in an 80-column terminal', () => {
  const database = databasePath(dir, 'duckdb', 'terminal');
  const args = () => [
    ...['sync', '--config', config, '--database', database],
    ...['--streams', 'sessions,session_messages,users,consumption_by_user'],
  ];

  it('an interrupted sync: live lines, logs, the interrupt and its summary fit', async () => {
    gate.holdAfter(12);
    const sync = startInTerminal(CLI, args());
    const early = sync.ended.then((run) => Promise.reject(new Error(`ended first: ${run.stdout}`)));
    await Promise.race([gate.whenHeld(), early]);
    await sync.waitFor('\x1b[2K'); // the live lines are drawn: the command sees a terminal
    sync.type('\x03');
    gate.release();
    const run = await sync.ended;
    expect(run.code, run.stdout).toBe(130);
    expect(run.stdout).toMatch(/interrupted: [\d,]+ rows committed; run the same command to resume/);
    expect(run.stdout).toContain('page_sise');
    expect(run.stdout).not.toMatch(/failed/i); // interrupted, not failed, on every line
    expect(screenLines(run.stdout)).toContainEqual(
      expect.stringMatching(/^\S+\s+[\d,]+ records\b.*\binterrupted$/),
    );
    expectFits(run.stdout);
  });

  it('its resume, to the end: the progress, the stream logs and the summary table fit', async () => {
    const run = await startInTerminal(CLI, args()).ended;
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/\[session_messages\] complete/);
    expect(run.stdout).toContain(`wrote ${database}`);
    // The live lines: one per stream, redrawn in place, the last drawing saying each is done.
    const lines = screenLines(run.stdout);
    expect(lines).toContainEqual(expect.stringMatching(/^session_messages\s+[\d,]+ records\b.*\bdone$/));
    expect(lines).toContainEqual(expect.stringMatching(/^sessions\s+[\d,]+ records\b.*\bdone$/));
    expectFits(run.stdout);
  });
});
