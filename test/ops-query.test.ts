/** `devin-tap query`: exact values of every type in every format, several statements, the database only. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetKind } from '../src/targets/target.js';
import { CLI, runCli, tempDir } from './helpers/run-cli.js';

let dir: string;
const path = (kind: TargetKind) => join(dir, `q.${kind}`);
const query = (kind: TargetKind, sql: string, format = 'table') =>
  runCli(CLI, ['query', '--database', path(kind), '--format', format, sql]);

beforeAll(async () => {
  dir = tempDir('devin-tap-query-');
  const instance = await DuckDBInstance.create(path('duckdb'));
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t (id BIGINT, day DATE)');
  await connection.run("INSERT INTO t VALUES (9007199254740993, DATE '2026-01-05'), (1, NULL)");
  connection.closeSync();
  instance.closeSync();
  const db = new Database(path('sqlite'));
  db.exec('CREATE TABLE t (id INTEGER, name TEXT)');
  db.exec("INSERT INTO t VALUES (9007199254740993, 'big'), (1, 'a,\"b\"')");
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TYPES = `SELECT DATE '2026-01-05' AS d, 9007199254740993::BIGINT AS b,
  170141183460469231731687303715884105727::HUGEINT AS h, 42::BIGINT AS small,
  {'a': 1, 'b': [1, 2]} AS s, [1, 2] AS l, MAP {'k': 1} AS m, INTERVAL 3 DAY AS i,
  1.50::DECIMAL(10, 2) AS dec, TIMESTAMPTZ '2026-01-05 01:02:03.456789+00' AS ts, NULL AS n`;

describe('query shows what DuckDB holds', () => {
  it('json: dates as days, integers exact (strings beyond 2^53), nested values as JSON, the rest as text', async () => {
    const run = await query('duckdb', TYPES, 'json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        d: '2026-01-05',
        b: '9007199254740993',
        h: '170141183460469231731687303715884105727',
        small: 42,
        s: { a: 1, b: [1, 2] },
        l: [1, 2],
        m: { k: 1 },
        i: '3 days',
        dec: '1.50',
        ts: '2026-01-05T01:02:03.456789Z',
        n: null,
      },
    ]);
  });

  it('csv and table: the same text, exact digits, nested values as JSON', async () => {
    const csv = await query('duckdb', TYPES, 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(
      'd,b,h,small,s,l,m,i,dec,ts,n\r\n' +
        '2026-01-05,9007199254740993,170141183460469231731687303715884105727,42,' +
        '"{""a"":1,""b"":[1,2]}","[1,2]","{""k"":1}",3 days,1.50,2026-01-05T01:02:03.456789Z,\r\n',
    );
    const table = await query('duckdb', TYPES);
    const values = table.stdout
      .split('\n')[2]
      ?.trim()
      .split(/\s{2,}/);
    expect(values).toEqual([
      '2026-01-05',
      '9007199254740993',
      '170141183460469231731687303715884105727',
      '42',
      '{"a":1,"b":[1,2]}',
      '[1,2]',
      '{"k":1}',
      '3 days',
      '1.50',
      '2026-01-05T01:02:03.456789Z',
      'NULL',
    ]);
  });

  it('values read from a table are as exact as literals', async () => {
    const run = await query('duckdb', 'SELECT id, day FROM t ORDER BY id DESC', 'json');
    expect(JSON.parse(run.stdout)).toEqual([
      { id: '9007199254740993', day: '2026-01-05' },
      { id: 1, day: null },
    ]);
  });
});

describe('query shows what SQLite holds', () => {
  it('integers beyond 2^53 exact in every format', async () => {
    const sql = 'SELECT id, name FROM t ORDER BY id DESC';
    expect(JSON.parse((await query('sqlite', sql, 'json')).stdout)).toEqual([
      { id: '9007199254740993', name: 'big' },
      { id: 1, name: 'a,"b"' },
    ]);
    expect((await query('sqlite', sql, 'csv')).stdout).toBe(
      'id,name\r\n9007199254740993,big\r\n1,"a,""b"""\r\n',
    );
    expect((await query('sqlite', sql)).stdout).toMatch(/^9007199254740993 {2}big$/m);
  });
});

describe.each(['duckdb', 'sqlite'] as const)('several statements in %s', (kind) => {
  it('run in order, each result shown', async () => {
    const sql = "SELECT 1 AS a; SELECT 'x;y' AS b -- a comment; with a semicolon\n;";
    const json = await query(kind, sql, 'json');
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe('[{"a":1}]\n[{"b":"x;y"}]\n');
    const table = await query(kind, sql);
    expect(table.stdout).toBe('a\n-\n1\n(1 row)\n\nb\n---\nx;y\n(1 row)\n');
    const csv = await query(kind, sql, 'csv');
    expect(csv.stdout).toBe('a\r\n1\r\n\r\nb\r\nx;y\r\n');
  });

  it('a statement that writes, anywhere, is refused before any runs; a failing one prints nothing', async () => {
    const refused = await query(kind, 'SELECT 1 AS a; DELETE FROM t');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/query failed \(nothing was run\): statement 2 of 2: .*read-only/);
    const failing =
      kind === 'duckdb'
        ? "SELECT 1 AS a; SELECT error('boom')"
        : 'SELECT 1 AS a; SELECT abs(-9223372036854775808)';
    const failed = await query(kind, failing);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/query failed \(nothing was printed\): statement 2 of 2: /);
    expect(failed.stderr).not.toContain('this is a bug');
  });
});

describe('query reads the database and nothing else', () => {
  it.each([
    ["COPY t TO 'OUT'", true],
    ["COPY (SELECT 1) TO 'OUT' (FORMAT csv)", true],
    ["EXPORT DATABASE 'OUT'", true],
    ["SELECT * FROM read_csv('/etc/passwd')", false],
    ["SELECT * FROM read_text('/etc/hostname')", false],
    ["SELECT * FROM glob('/etc/*')", false],
    ["ATTACH 'OUT' AS other", true],
    ['INSTALL httpfs', false],
    ['LOAD json', false],
    ['SET threads = 1', false],
    ['PRAGMA enable_profiling', false],
    ['CREATE TEMP TABLE x AS SELECT 1', false],
  ])('DuckDB refuses %s', async (sql, writesFile) => {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const run = await query('duckdb', sql.replace('OUT', out));
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toMatch(/^devin-tap: query failed \(nothing was run\): /);
    expect(run.stderr).not.toContain('this is a bug');
    if (writesFile) expect(existsSync(out)).toBe(false);
  });

  it.each([
    ["VACUUM INTO 'OUT'", true],
    ["ATTACH 'OUT' AS other", true],
    ['PRAGMA journal_mode = DELETE', false],
    ["SELECT load_extension('OUT')", false],
    ['BEGIN', false],
  ])('SQLite refuses %s', async (sql, writesFile) => {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const run = await query('sqlite', sql.replace('OUT', out));
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toMatch(/^devin-tap: query failed \(nothing was (run|printed)\): /);
    if (writesFile) expect(existsSync(out)).toBe(false);
  });

  it('SQLite pragmas that only read still answer', async () => {
    const run = await query('sqlite', 'PRAGMA table_info(t)', 'json');
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { name: string }[]).map((row) => row.name)).toEqual(['id', 'name']);
  });
});
