/** status, reset, query and the database defaults, on real DuckDB and SQLite files, through the built CLI. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { CLI, runCli, tempDir, writeJson } from './helpers/run-cli.js';

let dir: string;
let sim: Simulator;
let config: string;
const KINDS: readonly TargetKind[] = ['duckdb', 'sqlite'];
const SESSIONS = 12;

interface StatusJson {
  streams: {
    stream: string;
    rows: number | null;
    lastSync: string | null;
    bookmark: string | null;
    checkpointPending: boolean;
  }[];
}

beforeAll(async () => {
  dir = tempDir('devin-tap-ops-db-');
  sim = await startSimulator({ seed: 9, sessions: SESSIONS, messagesPerSession: 2 });
  config = writeJson(dir, 'config.json', sim.config());
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], cwd = dir) => runCli(CLI, args, { cwd });
const sync = (database: string) => cli(['sync', '--quiet', '--config', config, '--database', database]);
const status = async (database: string) => {
  const run = await cli(['status', '--json', '--database', database]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as StatusJson;
};

describe.each(KINDS)('%s file', (kind) => {
  const database = () => join(dir, `ops.${kind}`);

  it('sync picks the engine from the extension; status shows rows, sync time and bookmark', async () => {
    const run = await sync(database());
    expect(run.code, run.stderr).toBe(0);
    const { streams } = await status(database());
    const sessions = streams.find((row) => row.stream === 'sessions');
    expect(sessions?.rows).toBe(SESSIONS);
    expect(sessions?.lastSync).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(sessions?.bookmark).toMatch(/Z$/);
    expect(sessions?.checkpointPending).toBe(false);
    expect(streams.find((row) => row.stream === 'session_messages')?.rows).toBeNull();
    const table = await cli(['status', '--database', database()]);
    expect(table.stdout).toMatch(new RegExp(`^sessions\\s+${SESSIONS}\\s`, 'm'));
    expect(Math.max(...table.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
  });

  it('a full refresh of an unchanged organization counts its rows as unchanged, not updated', async () => {
    const run = await cli(['sync', '--json', '--full-refresh', '--config', config, '--database', database()]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { streams: { stream: string }[] };
    expect(summary.streams.find((row) => row.stream === 'sessions')).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: SESSIONS,
    });
  });

  it('query answers in table, csv and json, read-only', async () => {
    const sql = 'SELECT count(*) AS n, min(session_id) AS first FROM sessions';
    const json = await cli(['query', '--database', database(), '--format', 'json', sql]);
    expect(json.code, json.stderr).toBe(0);
    const [row] = JSON.parse(json.stdout) as { n: number; first: string }[];
    expect(row?.n).toBe(SESSIONS);
    const csv = await cli(['query', '--database', database(), '--format', 'csv', sql]);
    expect(csv.stdout).toBe(`n,first\r\n${SESSIONS},${row?.first}\r\n`);
    const table = await cli(['query', '--database', database(), sql]);
    expect(table.stdout).toMatch(new RegExp(`^\\s*${SESSIONS}  ${row?.first}$`, 'm'));
    expect(table.stdout).toContain('(1 row)');
    const write = await cli(['query', '--database', database(), 'DELETE FROM sessions']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/query failed \(nothing was run\): .*DELETE .*read-only/);
    expect(write.stderr).not.toContain('this is a bug');
    expect((await status(database())).streams[0]?.rows).toBe(SESSIONS);
  });

  it('reset clears a stream state (and with --drop-rows its rows) in one go; asks unless --yes', async () => {
    const refused = await cli(['reset', '--database', database(), '--streams', 'playbooks']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    const reset = await cli(['reset', '--database', database(), '--streams', 'playbooks,secrets', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    let rows = (await status(database())).streams;
    expect(rows.find((row) => row.stream === 'playbooks')).toMatchObject({ lastSync: null, rows: 25 });
    expect(rows.find((row) => row.stream === 'sessions')?.lastSync).not.toBeNull();
    const drop = await cli([
      'reset',
      '--database',
      database(),
      '--streams',
      'sessions',
      '--drop-rows',
      '--yes',
    ]);
    expect(drop.stderr).toContain(`sessions: state cleared, ${SESSIONS} rows deleted`);
    rows = (await status(database())).streams;
    expect(rows.find((row) => row.stream === 'sessions')).toMatchObject({ rows: 0, lastSync: null });
    const again = await sync(database());
    expect(again.code, again.stderr).toBe(0);
    rows = (await status(database())).streams;
    expect(rows.find((row) => row.stream === 'sessions')?.rows).toBe(SESSIONS);
    const unknown = await cli(['reset', '--database', database(), '--streams', 'nope', '--yes']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown stream "nope"; valid: sessions/);
  });
});

describe('database defaults', () => {
  it('a --target that contradicts the extension is an error, nothing is created', async () => {
    const path = join(dir, 'wrong.sqlite');
    const run = await cli(['sync', '--config', config, '--target', 'duckdb', '--database', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`--target duckdb contradicts --database ${path}`);
    expect(existsSync(path)).toBe(false);
  });

  it('.db and .sqlite3 are SQLite, .ddb is DuckDB', async () => {
    for (const name of ['a.db', 'b.sqlite3', 'c.ddb']) {
      const path = join(dir, name);
      expect((await sync(path)).code).toBe(0);
      const { streams } = await status(path);
      expect(streams[0]?.rows).toBe(SESSIONS);
    }
    const sniff = await cli(['query', '--database', join(dir, 'a.db'), 'SELECT sqlite_version() AS v']);
    expect(sniff.code, sniff.stderr).toBe(0);
  });

  it('every command with --database defaults to ./devin.duckdb', async () => {
    const cwd = tempDir('devin-tap-default-db-');
    expect((await cli(['sync', '--quiet', '--config', config], cwd)).code).toBe(0);
    expect(existsSync(join(cwd, 'devin.duckdb'))).toBe(true);
    expect((await cli(['status'], cwd)).stdout).toMatch(/^sessions\s+12/m);
    const counted = await cli(['query', '--format', 'csv', 'SELECT count(*) AS n FROM sessions'], cwd);
    expect(counted.stdout).toBe(`n\r\n${SESSIONS}\r\n`);
    const report = await cli(['report', '--out', join(cwd, 'r.html')], cwd);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'r.html'), 'utf8')).toMatch(/<!doctype html>/i);
    const input = [
      {
        type: 'SCHEMA',
        stream: 'items',
        key_properties: ['id'],
        schema: { properties: { id: { type: 'integer' } } },
      },
      { type: 'RECORD', stream: 'items', record: { id: 7 } },
      { type: 'STATE', value: { bookmarks: { items: 7 } } },
    ]
      .map((message) => JSON.stringify(message))
      .join('\n');
    const load = await runCli(CLI, ['load'], { cwd, input });
    expect(load.code, load.stderr).toBe(0);
    const loaded = await cli(['query', '--format', 'csv', 'SELECT id FROM items'], cwd);
    expect(loaded.stdout).toBe('id\r\n7\r\n');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('an unwritable --out is a user error naming the path', async () => {
    const database = join(dir, 'ops.duckdb');
    const run = await cli(['report', '--database', database, '--out', '/nonexistent-dir/x.html']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/nonexistent-dir/x.html');
    expect(run.stderr).not.toContain('this is a bug');
  });

  it('status of a missing file is a user error', async () => {
    const run = await cli(['status', '--database', join(dir, 'missing.duckdb')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('database not found');
  });
});

describe('sync output', () => {
  it('--json: one summary on stdout, its totals the sum of the streams and of the rows stored', async () => {
    const database = join(dir, 'output.sqlite');
    sim.clearRequestLog();
    const run = await cli(['sync', '--json', '--config', config, '--database', database]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0] ?? '') as {
      streams: { inserted: number; updated: number; requests: number }[];
      totals: { rows: number; requests: number; seconds: number };
    };
    const sum = (pick: (row: (typeof summary.streams)[number]) => number) =>
      summary.streams.reduce((total, row) => total + pick(row), 0);
    expect(summary.totals.rows).toBe(sum((row) => row.inserted + row.updated));
    expect(summary.totals.requests).toBe(sum((row) => row.requests));
    expect(summary.totals.requests).toBeGreaterThan(0);
    expect(summary.totals.requests).toBeLessThanOrEqual(sim.requestLog.length);
    expect(summary.totals.seconds).toBeGreaterThan(0);
    const stored = (await status(database)).streams.reduce((total, row) => total + (row.rows ?? 0), 0);
    expect(summary.totals.rows).toBe(stored);
    expect(run.stderr).not.toMatch(/^stream\s+inserted/m); // the JSON replaces the table
  });

  it('--quiet: nothing on a clean run; an error still says what went wrong', async () => {
    const database = join(dir, 'quiet.sqlite');
    const clean = await cli(['sync', '--quiet', '--config', config, '--database', database]);
    expect(clean).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const wrong = await cli([
      'sync',
      '--quiet',
      '--config',
      config,
      '--database',
      database,
      '--streams',
      'nope',
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/unknown stream "nope"/);
  });
});
