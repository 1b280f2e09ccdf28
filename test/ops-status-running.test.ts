/** `status` (and `query`) while a sync runs: the progress file beside the database. */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { type Gate, startGate } from './helpers/local-server.js';
import { CLI, runCli, startCli } from './helpers/run-cli.js';
import { whenFile } from './helpers/wait-for-file.js';
import { configFile, databasePath, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS } from './targets-helpers.js';

interface RunningJson {
  running?: { pid: number; startedAt: string; streams: Record<string, { records: number; status: string }> };
  locked?: boolean;
  streams?: { stream: string; rows: number | null }[];
}

let sim: Simulator;
const dir = syncTempDir();
let config = '';
/** Through a gate: the sync waits on a held request while `status` looks at it. */
let gated = '';
let gate: Gate;
beforeAll(async () => {
  sim = await startSimulator({ sessions: 80, messagesPerSession: 1, seed: 63 });
  config = configFile(dir, sim, { page_size: 5, max_concurrency: 1, request_timeout_seconds: 120 });
  gate = await startGate(sim.baseUrl);
  gated = configFile(dir, sim, {
    page_size: 5,
    max_concurrency: 1,
    request_timeout_seconds: 120,
    base_url: gate.url,
  });
});
afterAll(async () => {
  await gate.close();
  await sim.close();
});

function progressRecords(path: string): number {
  try {
    const snapshot = JSON.parse(readFileSync(`${path}.progress.json`, 'utf8')) as RunningJson['running'];
    return Object.values(snapshot?.streams ?? {}).reduce((sum, stream) => sum + stream.records, 0);
  } catch {
    return 0;
  }
}

describe.each(KINDS)('status during a %s sync', (kind) => {
  it('shows the running sync (pid, since, per-stream counts) and says plainly what is committed', async () => {
    const database = databasePath(dir, kind, 'running');
    expect(
      (await runCli(CLI, ['sync', '--quiet', ...syncArgs(config, kind, database, 'playbooks')])).code,
    ).toBe(0);
    gate.holdAfter(gate.forwarded() + 2);
    const sync = startCli(CLI, ['sync', '--quiet', ...syncArgs(gated, kind, database, 'sessions,playbooks')]);
    const { child } = sync;
    const ended = sync.ended.then((run) => run.code);
    try {
      // The sync waits on its third request until the checks below are done.
      await Promise.race([gate.whenHeld(), ended.then(() => Promise.reject(new Error(sync.stderr())))]);
      await whenFile(
        `${database}.progress.json`,
        () => progressRecords(database) > 0,
        ended,
        'the progress file counted records',
      );
      const json = await runCli(CLI, ['status', '--json', '--database', database]);
      expect(json.code, json.stderr).toBe(0);
      const status = JSON.parse(json.stdout) as RunningJson;
      expect(status.running?.pid).toBe(child.pid);
      expect(status.running?.startedAt).toMatch(/Z$/);
      expect(status.running?.streams.sessions?.records).toBeGreaterThan(0);
      const text = await runCli(CLI, ['status', '--database', database]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(`a sync is running: pid ${child.pid}, since `);
      expect(text.stdout).toMatch(/^sessions\s+[\d,]+\s+[\d,]+\s+running$/m);
      expect(Math.max(...text.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
      if (kind === 'duckdb') {
        expect(status.locked).toBe(true);
        expect(text.stdout).toContain('the database is locked by that sync');
        const query = await runCli(CLI, ['query', '--database', database, 'SELECT 1']);
        expect(query.code).toBe(1);
        expect(query.stderr).toContain(`devin-tap sync, pid ${child.pid}, has held it since `);
        const out = `${database}.html`;
        const report = await runCli(CLI, ['report', '--database', database, '--out', out]);
        expect(report.code).toBe(1);
        expect(report.stderr).toContain(`devin-tap sync, pid ${child.pid}, has held it since `);
        expect(report.stderr).toContain('report on it when the sync ends');
      } else {
        expect(status.streams?.find((row) => row.stream === 'playbooks')?.rows).toBe(25);
        expect(text.stdout).toContain('committed so far:');
      }
    } finally {
      gate.release();
    }
    expect(await ended).toBe(0);
    expect(existsSync(`${database}.progress.json`)).toBe(false);
    const after = JSON.parse(
      (await runCli(CLI, ['status', '--json', '--database', database])).stdout,
    ) as RunningJson;
    expect(after.running).toBeUndefined();
    expect(after.streams?.find((row) => row.stream === 'sessions')?.rows).toBe(80);
  });
});
