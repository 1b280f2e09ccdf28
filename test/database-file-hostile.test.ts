import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { rowCount } from './helpers/database-rows.js';
import { CLI, type CliResult, startCli } from './helpers/run-cli.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { dbPath, KINDS, query, tempDir } from './targets-helpers.js';

const SCHEMA = {
  type: 'SCHEMA',
  stream: 'things',
  key_properties: ['id'],
  schema: { type: 'object', properties: { id: { type: 'integer' } } },
};
const line = (message: unknown) => `${JSON.stringify(message)}\n`;

/**
 * `devin-tap load` fed line by line: `between` runs once the first STATE is echoed (committed),
 * before the rest of the input is written.
 */
async function loadAround(kind: string, path: string, between: () => void): Promise<CliResult> {
  const load = startCli(CLI, ['load', '--target', kind, '--database', path]);
  load.child.stdin.write(line(SCHEMA) + line({ type: 'RECORD', stream: 'things', record: { id: 1 } }));
  load.child.stdin.write(line({ type: 'STATE', value: { at: 1 } }));
  await load.waitFor('\n');
  between();
  load.child.stdin.end(
    line({ type: 'RECORD', stream: 'things', record: { id: 2 } }) + line({ type: 'STATE', value: { at: 2 } }),
  );
  return load.ended;
}

describe.each(KINDS)('the %s database file changes under a running load', (kind) => {
  const dir = tempDir();

  it('deleted: the load fails loudly instead of writing into the unlinked file', async () => {
    const path = dbPath(dir, kind);
    const run = await loadAround(kind, path, () => rmSync(path));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`database ${path} was deleted while devin-tap was writing to it`);
    expect(run.stdout).toBe('{"at":1}\n');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('replaced by another file: the same', async () => {
    const path = dbPath(dir, kind);
    const copy = `${path}.copy`;
    const run = await loadAround(kind, path, () => {
      copyFileSync(path, copy);
      renameSync(copy, path);
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`database ${path} was replaced by another file while devin-tap was writing`);
    expect(run.stdout).toBe('{"at":1}\n');
  });
});

describe('two SQLite syncs started at the same instant', () => {
  let sim: Simulator;
  const dir = syncTempDir();
  let config = '';
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 8, messagesPerSession: 1, seed: 81 });
    config = configFile(dir, sim);
  });
  afterAll(() => sim.close());

  it('the second waits for the first (or refuses it, saying so) and never advises dropping a table', async () => {
    for (let round = 0; round < 3; round += 1) {
      const database = databasePath(dir, 'sqlite', `twin-${round}`);
      const args = syncArgs(config, 'sqlite', database, 'sessions,playbooks,users');
      const runs = await Promise.all([runSync(args), runSync(args)]);
      for (const run of runs) {
        expect(run.stderr).not.toMatch(/DROP TABLE|not created by devin-tap/);
        if (run.code !== 0) expect(run.stderr).toContain(`database ${database} is in use by another process`);
      }
      expect(runs.some((run) => run.code === 0)).toBe(true);
      expect(existsSync(database)).toBe(true);
      expect(await rowCount('sqlite', database, 'sessions')).toBe([...sim.sessions()].length);
      expect(await rowCount('sqlite', database, 'playbooks')).toBe([...sim.playbooks()].length);
    }
  });

  it('a sync on a database another program writes to waits, then says it is in use', async () => {
    const database = databasePath(dir, 'sqlite', 'held');
    const first = await runSync(syncArgs(config, 'sqlite', database, 'playbooks'));
    expect(first.code, first.stderr).toBe(0);
    const holder = new Database(database);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const second = await runSync(syncArgs(config, 'sqlite', database, 'playbooks'));
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(
        `database ${database} is in use by another process (SQLite allows one writer; a sync, load or reset is running on it?)`,
      );
      expect(second.stderr).not.toMatch(/DROP TABLE|not created by devin-tap/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(await query('sqlite', database, 'SELECT count(*) AS n FROM playbooks')).toEqual([
      { n: [...sim.playbooks()].length },
    ]);
  });
});
