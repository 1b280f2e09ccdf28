import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { misspeltFields, nearestField } from '../src/io/config-spelling.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { airbyteMessageErrors, configuredCatalog } from './helpers/airbyte-protocol.js';
import { CLI, jsonLines, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';

const WARNING = 'config field "page_sise" is not a devin-tap field and is ignored; did you mean "page_size"?';

describe('misspelt config fields', () => {
  it('name the nearest valid field; unrelated fields (Airbyte adds its own) stay silent', () => {
    expect(nearestField('page_sise')).toBe('page_size');
    expect(nearestField('orgid')).toBe('org_id');
    expect(nearestField('API_TOKEN')).toBe('api_token');
    expect(nearestField('start-date')).toBe('start_date');
    expect(nearestField('__injected_declarative_manifest')).toBeNull();
    expect(nearestField('x')).toBeNull();
    expect(misspeltFields({ page_size: 5, page_sise: 5, airbyte_extra: true })).toEqual([WARNING]);
  });

  let sim: Simulator;
  const dir = tempDir('devin-tap-spelling-');
  let config = '';
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 2, seed: 24 });
    config = writeJson(dir, 'config.json', { ...sim.config(), page_sise: 10 });
  });
  afterAll(() => sim.close());

  it('sync warns on stderr and goes on', async () => {
    const database = join(dir, 'spelling.sqlite');
    const run = await runCli(CLI, [
      'sync',
      '--config',
      config,
      '--database',
      database,
      '--streams',
      'playbooks',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`devin-tap sync: warning: ${WARNING}`);
  });

  it('tap-devin warns on stderr', async () => {
    const run = await runCli(SINGER_CLI, ['--config', config]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`WARN +${WARNING.replace(/[?"()]/g, '\\$&')}`));
  });

  it('Airbyte check, discover and read warn in a valid LOG message', async () => {
    const catalog = writeJson(
      dir,
      'catalog.json',
      configuredCatalog(['playbooks'], { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }),
    );
    for (const args of [['check'], ['discover'], ['read', '--catalog', catalog]]) {
      const run = await runCli(CLI, [...args, '--config', config]);
      expect(run.code, run.stderr).toBe(0);
      const messages = jsonLines(run.stdout);
      for (const message of messages) expect(airbyteMessageErrors(message)).toBeNull();
      expect(messages, args[0]).toContainEqual({ type: 'LOG', log: { level: 'WARN', message: WARNING } });
    }
  });
});
