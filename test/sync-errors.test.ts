import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { STREAM_NAMES, STREAMS } from '../src/tap/streams/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { rowCount } from './helpers/database-rows.js';
import { type CliResult, writeJson } from './helpers/run-cli.js';
import {
  configFile,
  databasePath,
  expectTablesEqualSimulator,
  runSync,
  syncArgs,
  syncTempDir,
} from './sync-helpers.js';
import { KINDS } from './targets-helpers.js';

const DEFAULT_STREAMS = STREAMS.filter((def) => def.selectedByDefault).map((def) => def.name);
const ALL_PERMISSIONS = new Set(STREAMS.map((stream) => stream.permission));

/** A user error: non-zero exit, one clear message, no stack trace. */
function expectUserError(run: CliResult, message: string | RegExp): void {
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).not.toContain('this is a bug');
}

/** Every byte of a database and its side files (WAL, journal). */
function databaseBytes(path: string): Buffer {
  const files = readdirSync(dirname(path)).filter((name) => name.startsWith(basename(path)));
  return Buffer.concat(files.map((name) => readFileSync(join(dirname(path), name))));
}

/** Holds a database open (DuckDB) or write-locked (SQLite) in another process until killed. */
function holdDatabase(kind: TargetKind, path: string): Promise<ChildProcess> {
  const script =
    kind === 'duckdb'
      ? `import { DuckDBInstance } from '@duckdb/node-api';
         const instance = await DuckDBInstance.create(${JSON.stringify(path)});
         await instance.connect();`
      : `import Database from 'better-sqlite3';
         const db = new Database(${JSON.stringify(path)});
         db.exec('BEGIN IMMEDIATE');`;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', `${script}\nconsole.log('ready'); setInterval(() => {}, 1000);`],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`lock holder exited (${code}) before ready`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ sessions: 12, messagesPerSession: 2, seed: 77, users: 4 });
});
afterAll(() => sim.close());

describe('devin-tap sync: bad arguments and config', () => {
  const dir = syncTempDir();

  it('an unknown stream lists the valid ones, exits non-zero and creates no database', async () => {
    const database = databasePath(dir, 'duckdb', 'unknown-stream');
    sim.clearRequestLog();
    const run = await runSync(syncArgs(configFile(dir, sim), 'duckdb', database, 'sessions,bogus'));
    expectUserError(run, /unknown stream "bogus"/);
    for (const name of STREAM_NAMES) expect(run.stderr).toContain(name);
    expect(existsSync(database)).toBe(false);
    expect(sim.requestLog.length).toBe(0);
  });

  it('a missing config file is named', async () => {
    const missing = join(dir, 'nope.json');
    const run = await runSync(['--config', missing, '--database', join(dir, 'x.duckdb')]);
    expectUserError(run, new RegExp(`${missing}: cannot be read \\(no such file\\)`));
    expect(existsSync(join(dir, 'x.duckdb'))).toBe(false);
  });

  it('an invalid config names the field at fault and never prints the token', async () => {
    const config = writeJson(dir, 'bad-org.json', { ...sim.config(), org_id: 'not-an-org' });
    const run = await runSync(['--config', config, '--database', join(dir, 'bad-org.duckdb')]);
    expectUserError(run, /"org_id"/);
    expect(run.stdout + run.stderr).not.toContain(sim.token);

    const noToken = writeJson(dir, 'no-token.json', { org_id: sim.orgId, base_url: sim.baseUrl });
    expectUserError(
      await runSync(['--config', noToken, '--database', join(dir, 'no-token.duckdb')]),
      /"api_token" is required/,
    );
  });

  it('takes the token and org from DEVIN_API_TOKEN / DEVIN_ORG_ID with a config holding only base_url', async () => {
    const config = writeJson(dir, 'base-url-only.json', { base_url: sim.baseUrl });
    const database = databasePath(dir, 'sqlite', 'from-env');
    const run = await runSync(['--config', config, '--target', 'sqlite', '--database', database], {
      env: { DEVIN_API_TOKEN: sim.token, DEVIN_ORG_ID: sim.orgId },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary?.streams.map((row) => row.stream)).toEqual(DEFAULT_STREAMS);
    await expectTablesEqualSimulator('sqlite', database, sim, DEFAULT_STREAMS);
    expect(run.stdout + run.stderr).not.toContain(sim.token);
  });
});

describe('devin-tap sync: a token without ManageOrgPlaybooks', () => {
  const dir = syncTempDir();

  it.each(KINDS)(
    '%s: the other streams complete; the run exits non-zero naming playbooks and the permission',
    async (kind) => {
      const token = sim.restrictedToken([...ALL_PERMISSIONS].filter((name) => name !== 'ManageOrgPlaybooks'));
      const database = databasePath(dir, kind);
      const run = await runSync(syncArgs(configFile(dir, sim, { api_token: token }), kind, database));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/playbooks/);
      expect(run.stderr).toContain('ManageOrgPlaybooks');
      expect(run.summary?.failures.map((failure) => failure.stream)).toEqual(['playbooks']);
      const playbooks = run.summary?.streams.find((row) => row.stream === 'playbooks');
      expect(playbooks).toMatchObject({ status: 'failed', inserted: 0 });
      expect(playbooks?.requests).toBeGreaterThanOrEqual(1);
      const others = STREAM_NAMES.filter((name) => name !== 'playbooks');
      await expectTablesEqualSimulator(kind, database, sim, others);
      expect(await rowCount(kind, database, 'playbooks')).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(token);
      expect(databaseBytes(database).includes(Buffer.from(token))).toBe(false);
    },
  );
});

describe.each(KINDS)('devin-tap sync --target %s: bad database paths', (kind) => {
  const dir = syncTempDir();
  const name = kind === 'duckdb' ? 'DuckDB' : 'SQLite';
  const sync = (database: string) => runSync(syncArgs(configFile(dir, sim), kind, database, 'playbooks'));

  it('a directory that does not exist: named, nothing created', async () => {
    const database = join(dir, 'missing', `x.${kind}`);
    expectUserError(await sync(database), `directory ${join(dir, 'missing')} does not exist`);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('a path that is a directory: named', async () => {
    const database = join(dir, `a-directory.${kind}`);
    mkdirSync(database);
    expectUserError(await sync(database), `${database} is a directory`);
    expect(readdirSync(database)).toEqual([]);
  });

  it('a file that is not a database: refused and left untouched', async () => {
    const database = join(dir, `notes.${kind}`);
    const text = 'quarterly notes, not a database\n'.repeat(300);
    writeFileSync(database, text);
    expectUserError(await sync(database), `${database} is not a ${name} database`);
    expect(readFileSync(database, 'utf8')).toBe(text);
    expect(readdirSync(dir).filter((file) => file.startsWith(`notes.${kind}`))).toEqual([`notes.${kind}`]);
  });

  it('a database held by another process: a clear error, and the file stays intact', async () => {
    const database = databasePath(dir, kind, 'held');
    const first = await sync(database);
    expect(first.code, first.stderr).toBe(0);
    const rows = await rowCount(kind, database, 'playbooks');
    expect(rows).toBeGreaterThan(0);
    const holder = await holdDatabase(kind, database);
    let run: CliResult;
    try {
      run = await sync(database);
    } finally {
      await kill(holder);
    }
    // Both engines say it the same way (SQLite after waiting for the write lock).
    expectUserError(run, `database ${database} is in use by another process`);
    expect(await rowCount(kind, database, 'playbooks')).toBe(rows);
    const again = await sync(database);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe.each([
  { missing: 'ViewOrgConsumption', failing: ['consumption_daily', 'consumption_by_user'] },
  // consumption_by_user reads each member's consumption: without the member list it fails too.
  { missing: 'ViewOrgMembership', failing: ['users', 'idp_users', 'consumption_by_user'] },
  { missing: 'ManageOrgSchedules', failing: ['schedules'] },
  {
    missing: 'ViewOrgMetrics',
    failing: ['metrics_active_users', 'metrics_prs', 'metrics_sessions', 'metrics_searches'],
  },
])('devin-tap sync: a token without $missing', ({ missing, failing }) => {
  const dir = syncTempDir();

  it('fails those streams naming the permission; the others complete, exact', async () => {
    const token = sim.restrictedToken([...ALL_PERMISSIONS].filter((name) => name !== missing));
    const database = databasePath(dir, 'sqlite');
    const run = await runSync(syncArgs(configFile(dir, sim, { api_token: token }), 'sqlite', database));
    expect(run.code).toBe(1);
    expect(run.summary?.failures.map((failure) => failure.stream).sort()).toEqual([...failing].sort());
    for (const failure of run.summary?.failures ?? []) expect(failure.message).toContain(missing);
    await expectTablesEqualSimulator(
      'sqlite',
      database,
      sim,
      STREAM_NAMES.filter((name) => !failing.includes(name)),
    );
  });
});
