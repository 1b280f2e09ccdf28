import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { configuredCatalog } from './helpers/airbyte-protocol.js';
import { CLI, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';

const dir = tempDir('devin-tap-input-size-');
let sim: Simulator;
let config = '';
let big = '';
let catalog = '';
beforeAll(async () => {
  sim = await startSimulator({ sessions: 2, seed: 22 });
  config = writeJson(dir, 'config.json', sim.config());
  catalog = writeJson(
    dir,
    'catalog.json',
    configuredCatalog(['users'], { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }),
  );
  // Valid JSON just over the cap: the limit, not the syntax, refuses it.
  big = join(dir, 'big.json');
  writeFileSync(big, `{"pad":"${'x'.repeat(16 * 1024 * 1024)}"}`);
});
afterAll(() => sim.close());

const endless = '/dev/zero';

describe('config, catalog and state files are read up to 16 MB, never forever', () => {
  const cases: [string, () => [string, string[]], string][] = [
    [
      'sync --config',
      () => [CLI, ['sync', '--config', endless, '--database', join(dir, 'x.duckdb')]],
      'config',
    ],
    ['discover --config', () => [CLI, ['discover', '--config', endless]], 'config'],
    ['read --catalog', () => [CLI, ['read', '--config', config, '--catalog', endless]], 'catalog'],
    [
      'read --state',
      () => [CLI, ['read', '--config', config, '--catalog', catalog, '--state', endless]],
      'state',
    ],
    ['tap-devin --config', () => [SINGER_CLI, ['--config', endless]], 'config'],
    ['tap-devin --state', () => [SINGER_CLI, ['--config', config, '--state', endless]], 'state'],
    [
      'report --config',
      () => [CLI, ['report', '--config', endless, '--database', join(dir, 'r.duckdb')]],
      'config',
    ],
  ];
  it.each(cases)('%s /dev/zero fails with a clear error', async (_name, command, what) => {
    const [script, args] = command();
    const run = await runCli(script, args);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(`${what} file ${endless}: larger than 16 MB`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a valid config just over 16 MB is refused the same way', async () => {
    const run = await runCli(CLI, ['sync', '--config', big, '--database', join(dir, 'y.duckdb')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`config file ${big}: larger than 16 MB`);
  });
});
