import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { CLI, runCli } from './helpers/run-cli.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

/** Runs statements on a database file as another client would. */
async function exec(kind: TargetKind, path: string, statements: readonly string[]): Promise<void> {
  if (kind === 'sqlite') {
    const db = new Database(path);
    for (const sql of statements) db.exec(sql);
    db.close();
    return;
  }
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (const sql of statements) await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

/** Every table and view with its columns: what a failed run must leave exactly as it was. */
async function snapshot(kind: TargetKind, path: string): Promise<unknown[]> {
  const sql =
    kind === 'sqlite'
      ? "SELECT m.name AS name, m.type AS type, p.name AS col, p.type AS coltype FROM sqlite_master AS m, pragma_table_info(m.name) AS p WHERE m.type IN ('table', 'view') ORDER BY 1, p.cid"
      : "SELECT table_name AS name, column_name AS col, data_type AS coltype FROM information_schema.columns WHERE table_schema = 'main' ORDER BY 1, ordinal_position";
  return query(kind, path, sql);
}

let sim: Simulator;
const dir = syncTempDir();
let config = '';
beforeAll(async () => {
  sim = await startSimulator({ sessions: 12, messagesPerSession: 1, seed: 21 });
  config = configFile(dir, sim);
});
afterAll(() => sim.close());

describe.each(KINDS)('objects devin-tap did not create, in %s', (kind) => {
  const streams = 'sessions,playbooks';

  it.each([
    [
      'a sessions table',
      'CREATE TABLE sessions (id INTEGER, note TEXT)',
      'table "sessions"',
      'DROP TABLE "sessions"',
    ],
    [
      'a table named like a view',
      'CREATE TABLE session_facts (x INTEGER)',
      'table "session_facts"',
      'DROP TABLE "session_facts"',
    ],
    [
      'a view named like a view',
      'CREATE VIEW user_activity AS SELECT 1 AS one',
      'view "user_activity"',
      'DROP VIEW "user_activity"',
    ],
    [
      'a rejected table',
      'CREATE TABLE _devin_tap_rejected (x INTEGER)',
      'table "_devin_tap_rejected"',
      'DROP TABLE',
    ],
  ])(
    '%s stops the sync before any change, naming it and the way out',
    async (_name, create, object, drop) => {
      const database = databasePath(dir, kind, `foreign-${object.replace(/\W/g, '')}`);
      await exec(kind, database, [create]);
      if (create.startsWith('CREATE TABLE sessions'))
        await exec(kind, database, ["INSERT INTO sessions VALUES (1, 'mine')"]);
      const before = await snapshot(kind, database);
      const run = await runSync(syncArgs(config, kind, database, streams));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${object} was not created by devin-tap`);
      expect(run.stderr).toContain('(--database)');
      expect(run.stderr).toContain(drop);
      expect(run.stderr).not.toContain('this is a bug');
      expect(await snapshot(kind, database)).toEqual(before);
      if (create.startsWith('CREATE TABLE sessions'))
        expect(await query(kind, database, 'SELECT * FROM sessions')).toEqual([{ id: 1, note: 'mine' }]);
    },
  );

  it('load stops at the SCHEMA of a foreign table and leaves it alone', async () => {
    const database = databasePath(dir, kind, 'foreign-load');
    await exec(kind, database, [
      'CREATE TABLE users (id INTEGER, name TEXT)',
      "INSERT INTO users VALUES (7, 'x')",
    ]);
    const before = await snapshot(kind, database);
    const input = [
      {
        type: 'SCHEMA',
        stream: 'users',
        key_properties: ['id'],
        schema: { properties: { id: { type: 'integer' } } },
      },
      { type: 'RECORD', stream: 'users', record: { id: 1 } },
    ]
      .map((m) => JSON.stringify(m))
      .join('\n');
    const run = await runCli(CLI, ['load', '--target', kind, '--database', database], { input });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('table "users" was not created by devin-tap');
    expect(await snapshot(kind, database)).toEqual(before);
  });

  it('its own objects are used again, also in a database written before they were recorded', async () => {
    const database = databasePath(dir, kind, 'own');
    const first = await runSync(syncArgs(config, kind, database, streams));
    expect(first.code, first.stderr).toBe(0);
    const recorded = await query(kind, database, 'SELECT name, type FROM _devin_tap_objects ORDER BY name');
    expect(recorded).toEqual(
      expect.arrayContaining([
        { name: 'sessions', type: 'table' },
        { name: 'playbooks', type: 'table' },
        { name: '_devin_tap_state', type: 'table' },
        { name: '_devin_tap_rejected', type: 'table' },
        { name: 'session_facts', type: 'view' },
      ]),
    );
    // As an earlier devin-tap left it: no record of what it created, no rejected table.
    await exec(kind, database, ['DROP TABLE _devin_tap_objects', 'DROP TABLE _devin_tap_rejected']);
    sim.addSessions(2);
    const again = await runSync(syncArgs(config, kind, database, streams));
    expect(again.code, again.stderr).toBe(0);
    expect(again.summary?.streams.find((row) => row.stream === 'sessions')?.inserted).toBe(2);
    // Every object it created is recorded again, the rejected table included: the same list as before.
    expect(await query(kind, database, 'SELECT name, type FROM _devin_tap_objects ORDER BY name')).toEqual(
      recorded,
    );
  });
});
