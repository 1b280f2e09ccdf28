import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { rowCount } from './helpers/database-rows.js';
import { CLI, runCli } from './helpers/run-cli.js';
import { configFile, databasePath, runSync, summaryRow, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

const STREAMS = ['sessions', 'playbooks', 'secrets', 'knowledge_notes'];
/** What the simulator's keyless mode breaks, per stream (see HOSTILE_AT). */
const KEYLESS: Record<string, number> = { sessions: 1, playbooks: 2, secrets: 1, knowledge_notes: 1 };

let sim: Simulator;
const dir = syncTempDir();
let config = '';
beforeAll(async () => {
  sim = await startSimulator({ sessions: 20, messagesPerSession: 1, seed: 8, hostile: { keyless: true } });
  config = configFile(dir, sim);
});
afterAll(() => sim.close());

describe.each(KINDS)('devin-tap sync --target %s over records without a valid key', (kind: TargetKind) => {
  it('keeps them in _devin_tap_rejected, counts them in the summary, warns and exits 0', async () => {
    const database = databasePath(dir, kind, 'keyless');
    const run = await runSync(syncArgs(config, kind, database, STREAMS.join(',')));
    expect(run.code, run.stderr).toBe(0);
    for (const [stream, count] of Object.entries(KEYLESS)) {
      expect(summaryRow(run, stream)?.status, stream).toBe('ok');
      expect((summaryRow(run, stream) as { rejected?: number } | undefined)?.rejected, stream).toBe(count);
      expect(run.stderr).toMatch(
        new RegExp(`warning: ${count} records? of ${stream} rejected \\(.+\\); kept in _devin_tap_rejected`),
      );
    }
    expect(await rowCount(kind, database, 'sessions')).toBe(19);
    expect(await rowCount(kind, database, 'playbooks')).toBe(23);
    const rejected = await query(
      kind,
      database,
      'SELECT stream, reason, CAST(record AS VARCHAR) AS record FROM _devin_tap_rejected ORDER BY stream',
    );
    expect(rejected.map((row) => row.stream)).toEqual([
      'knowledge_notes',
      'playbooks',
      'playbooks',
      'secrets',
      'sessions',
    ]);
    for (const row of rejected) {
      expect(String(row.reason)).not.toBe('');
      expect(() => JSON.parse(String(row.record))).not.toThrow();
      expect(String(row.record)).not.toContain('sim-secret-');
    }
    const status = await runCli(CLI, ['status', '--json', '--database', database]);
    const rejectedByStream = (
      JSON.parse(status.stdout) as { streams: { stream: string; rejected: number }[] }
    ).streams
      .filter((row) => row.rejected > 0)
      .map((row) => [row.stream, row.rejected]);
    expect(Object.fromEntries(rejectedByStream), 'status shows the rejected rows').toEqual(KEYLESS);
    const table = await runCli(CLI, ['status', '--database', database]);
    expect(table.stdout).toMatch(/^playbooks\s.*\s2$/m);
    // A rerun reads them again (they never enter a state) but keeps each once.
    const again = await runSync(syncArgs(config, kind, database, STREAMS.join(',')));
    expect(again.code, again.stderr).toBe(0);
    expect(await query(kind, database, 'SELECT count(*) AS n FROM _devin_tap_rejected')).toEqual([{ n: 5 }]);
  });

  it('--quiet drops the progress and the summary, never the warnings', async () => {
    const database = databasePath(dir, kind, 'keyless-quiet');
    const run = await runCli(CLI, [
      'sync',
      '--quiet',
      ...syncArgs(config, kind, database, STREAMS.join(',')),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/^stream\s+inserted/m);
    for (const stream of Object.keys(KEYLESS))
      expect(run.stderr).toMatch(new RegExp(`warning: \\d+ records? of ${stream} rejected`));
  });
});

describe('devin-tap sync --target duckdb with a 50 MB message', () => {
  it('loads it with the default memory limit', async () => {
    const big = await startSimulator({
      sessions: 6,
      messagesPerSession: 2,
      seed: 4,
      hostile: { bigMessageMb: 50 },
    });
    try {
      const database = databasePath(dir, 'duckdb', 'big-message');
      const run = await runSync(
        syncArgs(configFile(dir, big), 'duckdb', database, 'sessions,session_messages'),
      );
      expect(run.code, run.stderr).toBe(0);
      const [row] = await query('duckdb', database, 'SELECT max(length(message)) AS n FROM session_messages');
      expect(Number(row?.n)).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    } finally {
      await big.close();
    }
  });
});
