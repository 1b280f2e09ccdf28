/** `_devin_tap_runs`: one row per sync and load, however the run ends, and `status` showing them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { STREAMS } from '../src/tap/streams/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { type Gate, startGate } from './helpers/local-server.js';
import { CLI, runCli, startCli } from './helpers/run-cli.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

interface RunJson {
  runId: string;
  command: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  rowsWritten: number;
  requests: number | null;
  streams: Record<string, { inserted: number; updated: number; status: string }>;
  error: string | null;
}

const STREAM_LIST = 'sessions,playbooks,users';
let sim: Simulator;
const dir = syncTempDir();
let config = '';
/** The same API through a gate that holds requests: a run is stopped at a known point of its work. */
let gated = '';
let gate: Gate;
beforeAll(async () => {
  sim = await startSimulator({ sessions: 60, messagesPerSession: 1, seed: 41, users: 4 });
  config = configFile(dir, sim, { page_size: 5, max_concurrency: 1 });
  gate = await startGate(sim.baseUrl);
  gated = configFile(dir, sim, { page_size: 5, max_concurrency: 1, base_url: gate.url });
});
afterAll(async () => {
  await gate.close();
  await sim.close();
});

async function runs(database: string, count?: number): Promise<RunJson[]> {
  const extra = count === undefined ? [] : ['--runs', String(count)];
  const run = await runCli(CLI, ['status', '--json', '--database', database, ...extra]);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { runs: RunJson[] }).runs;
}

/** Starts a sync, stops it with `signal` once 6 requests are through and the next is held. */
async function stoppedSync(kind: TargetKind, database: string, signal: NodeJS.Signals) {
  gate.holdAfter(gate.forwarded() + 6);
  const sync = startCli(CLI, ['sync', '--quiet', ...syncArgs(gated, kind, database, STREAM_LIST)]);
  try {
    await Promise.race([gate.whenHeld(), sync.ended]);
    sync.child.kill(signal);
    return (await sync.ended).code;
  } finally {
    gate.release();
  }
}

describe.each(KINDS)('run history in %s', (kind) => {
  it('an ok run: its totals and every stream counted, as the summary said', async () => {
    const database = databasePath(dir, kind, 'ok');
    const sync = await runSync(syncArgs(config, kind, database, STREAM_LIST));
    expect(sync.code, sync.stderr).toBe(0);
    const [run, ...older] = await runs(database);
    expect(older).toEqual([]);
    const rows = sync.summary?.streams ?? [];
    expect(run).toMatchObject({
      command: 'sync',
      status: 'ok',
      error: null,
      rowsWritten: rows.reduce((sum, row) => sum + row.inserted + row.updated, 0),
      requests: rows.reduce((sum, row) => sum + row.requests, 0),
    });
    expect(run?.rowsWritten).toBeGreaterThan(60);
    expect(Date.parse(run?.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(run?.startedAt ?? ''));
    for (const row of rows) {
      expect(run?.streams[row.stream], row.stream).toMatchObject({
        inserted: row.inserted,
        updated: row.updated,
        status: 'ok',
      });
    }
    const again = await runSync(syncArgs(config, kind, database, STREAM_LIST));
    expect(again.code, again.stderr).toBe(0);
    const both = await runs(database);
    expect(both.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(both[0]?.rowsWritten).toBe(0);
    expect(await runs(database, 1)).toHaveLength(1);
    const text = await runCli(CLI, ['status', '--database', database]);
    expect(text.stdout).toMatch(/^last runs\n/m);
    expect(text.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d\s+sync\s+ok\s/m);
    expect(Math.max(...text.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
  });

  it('a failed run: failed, with the failing stream and its reason', async () => {
    const database = databasePath(dir, kind, 'failed');
    const permissions = [...new Set(STREAMS.map((stream) => stream.permission))];
    const token = sim.restrictedToken(permissions.filter((name) => name !== 'ManageOrgPlaybooks'));
    const config403 = configFile(dir, sim, { api_token: token });
    const sync = await runSync(syncArgs(config403, kind, database, STREAM_LIST));
    expect(sync.code).toBe(1);
    const [run] = await runs(database);
    expect(run).toMatchObject({ command: 'sync', status: 'failed' });
    expect(run?.error).toMatch(/^playbooks: .*ManageOrgPlaybooks/);
    expect(run?.streams.playbooks?.status).toBe('failed');
    expect(run?.streams.sessions?.status).toBe('ok');
    expect(JSON.stringify(await query(kind, database, 'SELECT * FROM _devin_tap_runs'))).not.toContain(token);
  });

  it('an interrupted run (SIGINT): interrupted, with what it committed', async () => {
    const database = databasePath(dir, kind, 'interrupted');
    expect(await stoppedSync(kind, database, 'SIGINT')).toBe(130);
    const [run] = await runs(database);
    expect(run).toMatchObject({ command: 'sync', status: 'interrupted', error: null });
    expect(run?.finishedAt).not.toBeNull();
    expect(Object.values(run?.streams ?? {}).some((stream) => stream.status === 'interrupted')).toBe(true);
  });

  it('a killed run (kill -9) is shown as interrupted, never as running or ok', async () => {
    const database = databasePath(dir, kind, 'killed');
    expect(await stoppedSync(kind, database, 'SIGKILL')).toBeNull();
    const stored = await query(kind, database, 'SELECT status FROM _devin_tap_runs');
    expect(stored).toEqual([{ status: 'running' }]);
    const [run] = await runs(database);
    expect(run).toMatchObject({ status: 'interrupted', finishedAt: null });
    expect(run?.error).toMatch(/killed/);
    const resumed = await runSync(syncArgs(config, kind, database, STREAM_LIST));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await runs(database)).map((r) => r.status)).toEqual(['ok', 'interrupted']);
  });

  it('a database written before the runs table existed gets it on the next sync', async () => {
    const database = databasePath(dir, kind, 'previous-release');
    expect((await runSync(syncArgs(config, kind, database, 'playbooks'))).code).toBe(0);
    await dropRunsTable(kind, database);
    expect(await runs(database)).toEqual([]);
    const sync = await runSync(syncArgs(config, kind, database, 'playbooks'));
    expect(sync.code, sync.stderr).toBe(0);
    expect((await runs(database)).map((r) => r.status)).toEqual(['ok']);
  });
});

/** As the previous release left a database: no runs table, and none recorded as devin-tap's. */
async function dropRunsTable(kind: TargetKind, path: string): Promise<void> {
  const statements = [
    'DROP TABLE _devin_tap_runs',
    "DELETE FROM _devin_tap_objects WHERE name = '_devin_tap_runs'",
  ];
  if (kind === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path);
    for (const sql of statements) db.exec(sql);
    db.close();
    return;
  }
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (const sql of statements) await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

describe.each(KINDS)('run history of load in %s', (kind) => {
  const schema = {
    type: 'SCHEMA',
    stream: 'items',
    key_properties: ['id'],
    schema: { properties: { id: { type: 'integer' } } },
  };
  const lines = (...messages: unknown[]) => messages.map((m) => JSON.stringify(m)).join('\n');

  it('an ok load and a load stopped by bad input: ok, then failed naming the line, rows counted', async () => {
    const database = databasePath(dir, kind, 'load');
    const records = [1, 2, 3].map((id) => ({ type: 'RECORD', stream: 'items', record: { id } }));
    const input = lines(schema, ...records, { type: 'STATE', value: { bookmarks: {} } });
    const ok = await runCli(CLI, ['load', '--database', database], { input });
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli(CLI, ['load', '--database', database], {
      input: `${lines(schema, { type: 'RECORD', stream: 'items', record: { id: 4 } })}\n{not json\n`,
    });
    expect(bad.code).toBe(1);
    const [failed, first] = await runs(database);
    expect(first).toMatchObject({ command: 'load', status: 'ok', rowsWritten: 3, requests: null });
    expect(first?.streams.items).toMatchObject({ inserted: 3, status: 'ok' });
    expect(failed).toMatchObject({ command: 'load', status: 'failed', rowsWritten: 1 });
    expect(failed?.error).toMatch(/line 3/);
  });

  it('an interrupted load (SIGINT): interrupted, with the rows its last STATE covered', async () => {
    const database = databasePath(dir, kind, 'load-interrupted');
    const load = startCli(CLI, ['load', '--database', database]);
    const records = [1, 2].map((id) => ({ type: 'RECORD', stream: 'items', record: { id } }));
    load.child.stdin.write(`${lines(schema, ...records, { type: 'STATE', value: { bookmarks: {} } })}\n`);
    await load.waitFor('\n'); // the STATE is echoed: its rows are committed
    load.child.stdin.write(`${lines({ type: 'RECORD', stream: 'items', record: { id: 3 } })}\n`);
    load.child.kill('SIGINT'); // stdin stays open: the load stops on the signal alone
    expect((await load.ended).code).toBe(130);
    const [run] = await runs(database);
    expect(run).toMatchObject({ command: 'load', status: 'interrupted', rowsWritten: 2, error: null });
    expect(run?.streams.items?.status).toBe('interrupted');
  });

  it('status --runs takes a whole number', async () => {
    const run = await runCli(CLI, [
      'status',
      '--runs',
      'many',
      '--database',
      databasePath(dir, kind, 'load'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--runs must be a whole number of runs, not "many"');
  });
});
