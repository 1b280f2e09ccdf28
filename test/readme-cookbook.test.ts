/**
 * The README's cookbook promises queries that run as written with `devin-tap query` on a synced
 * database, in DuckDB and SQLite alike: each one is run here on both, and must return rows.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { CLI, runCli } from './helpers/run-cli.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS } from './targets-helpers.js';

function cookbookQueries(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = /^## Cookbook\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => (match[1] ?? '').trim());
}

describe('the README cookbook', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 80, messagesPerSession: 1, users: 8, seed: 9 });
  });
  afterAll(() => sim.close());

  it('has the queries it promises', () => {
    expect(cookbookQueries().length).toBeGreaterThanOrEqual(5);
  });

  describe.each(KINDS)('on %s', (kind) => {
    const dir = syncTempDir();
    const database = databasePath(dir, kind);
    beforeAll(async () => {
      const run = await runSync(syncArgs(configFile(dir, sim), kind, database));
      expect(run.code, run.stderr).toBe(0);
    });

    for (const [index, sql] of cookbookQueries().entries()) {
      it(`query ${index + 1} runs as written and returns rows`, async () => {
        const result = await runCli(CLI, ['query', '--database', database, '--format', 'json', sql]);
        expect(result.code, result.stderr).toBe(0);
        const rows = JSON.parse(result.stdout) as unknown[];
        expect(rows.length, sql).toBeGreaterThan(0);
      });
    }
  });
});
