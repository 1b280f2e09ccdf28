import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { airbyteMessageErrors } from './helpers/airbyte-protocol.js';
import { rowCount } from './helpers/database-rows.js';
import { CLI, jsonLines, SINGER_CLI, writeJson } from './helpers/run-cli.js';
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

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(
  script: string,
  args: readonly string[],
): { child: ChildProcessWithoutNullStreams; ended: Promise<Ended> } {
  const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '' } });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => undefined);
  const ended = new Promise<Ended>((resolve) =>
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }),
    ),
  );
  return { child, ended };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 30_000) throw new Error('timed out waiting for the child');
    await sleep(10);
  }
}

let sim: Simulator;
const dir = syncTempDir();
let config = '';
let fullRequests = 0;

beforeAll(async () => {
  sim = await startSimulator({ sessions: SESSIONS, messagesPerSession: 1, seed: 31 });
  config = configFile(dir, sim, { page_size: 5, max_concurrency: 2 });
  sim.clearRequestLog();
  const scratch = await runSync(
    syncArgs(config, 'sqlite', databasePath(dir, 'sqlite', 'scratch'), STREAMS.join(',')),
  );
  expect(scratch.code, scratch.stderr).toBe(0);
  fullRequests = sim.requestLog.length;
});
afterAll(() => sim.close());

describe('devin-tap sync interrupted', () => {
  it.each([
    ['duckdb', 'SIGINT', 130],
    ['sqlite', 'SIGTERM', 143],
  ] as const)(
    '(%s) by %s commits what its checkpoints cover, says so, exits %s; the same command resumes',
    async (kind: TargetKind, signal, exitCode) => {
      const database = databasePath(dir, kind, `interrupted-${signal}`);
      const args = ['sync', ...syncArgs(config, kind, database, STREAMS.join(','))];
      sim.setNetwork({ latencyMs: 40 });
      sim.clearRequestLog();
      const { child, ended } = start(CLI, args);
      await until(() => sim.requestLog.length >= Math.floor(fullRequests / 3));
      child.kill(signal);
      const run = await ended;
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

      sim.clearRequestLog();
      const resumed = await runSync(syncArgs(config, kind, database, STREAMS.join(',')));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(sim.requestLog.length).toBeLessThan(fullRequests);
      await expectTablesEqualSimulator(kind, database, sim, STREAMS);
    },
  );
});

describe('devin-tap load interrupted', () => {
  it('stops reading stdin, keeps what the last STATE covered, exits 130', async () => {
    const database = databasePath(dir, 'sqlite', 'load-interrupted');
    const { child, ended } = start(CLI, ['load', '--target', 'sqlite', '--database', database]);
    const line = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    line({
      type: 'SCHEMA',
      stream: 'items',
      key_properties: ['id'],
      schema: { properties: { id: { type: 'integer' } } },
    });
    for (const id of [1, 2, 3]) line({ type: 'RECORD', stream: 'items', record: { id } });
    line({ type: 'STATE', value: { bookmarks: { items: 3 } } });
    const out: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    await until(() => out.join('').includes('\n'));
    for (const id of [4, 5]) line({ type: 'RECORD', stream: 'items', record: { id } });
    await sleep(200);
    child.kill('SIGINT'); // stdin stays open: the load must not wait for its end
    const run = await ended;
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
    sim.setNetwork({ latencyMs: 40 });
    const { child, ended } = start(SINGER_CLI, ['--config', config]);
    const out: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    await until(() => out.join('').includes('"type":"STATE"'));
    child.kill('SIGINT');
    const run = await ended;
    sim.setNetwork({ latencyMs: 0 });
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/INFO\s+interrupted by SIGINT: stopped reading/);
    const messages = jsonLines(run.stdout) as { type: string }[];
    expect(messages.filter((m) => m.type === 'STATE').length).toBeGreaterThan(0);
    expect(messages.filter((m) => m.type === 'RECORD').length).toBeLessThan(2 * SESSIONS + 75);
  });

  it('read stops on SIGTERM with valid Airbyte messages, its STATEs flushed, and exits 143', async () => {
    sim.setNetwork({ latencyMs: 40 });
    const catalog = writeJson(dir, 'catalog.json', {
      streams: STREAMS.map((name) => ({
        stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
        sync_mode: 'incremental',
        destination_sync_mode: 'append',
      })),
    });
    const { child, ended } = start(CLI, ['read', '--config', config, '--catalog', catalog]);
    const out: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    await until(() => out.join('').includes('"type":"STATE"'));
    child.kill('SIGTERM');
    const run = await ended;
    sim.setNetwork({ latencyMs: 0 });
    expect(run.code, run.stderr).toBe(143);
    const messages = jsonLines(run.stdout) as { type: string; log?: { message: string } }[];
    for (const message of messages) expect(airbyteMessageErrors(message)).toBeNull();
    expect(messages.filter((m) => m.type === 'STATE').length).toBeGreaterThan(0);
    expect(messages.at(-1)?.log?.message).toContain('interrupted by SIGTERM: stopped reading');
  });
});
