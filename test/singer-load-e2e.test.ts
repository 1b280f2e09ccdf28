import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES, STREAMS } from '../src/tap/streams/index.js';
import { CLI, pipeCli, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';
import { KINDS, query } from './targets-helpers.js';

let sim: Simulator;
let dir: string;
let configPath: string;
let catalogPath: string;

beforeAll(async () => {
  sim = await startSimulator({ sessions: 25, messagesPerSession: 3, seed: 5 });
  dir = tempDir('tap-devin-e2e-');
  configPath = writeJson(dir, 'config.json', { ...sim.config(), page_size: 20 });
  const discovered = await runCli(SINGER_CLI, ['--config', configPath, '--discover']);
  const catalog = JSON.parse(discovered.stdout) as {
    streams: { metadata: { breadcrumb: string[]; metadata: JsonObject }[] }[];
  };
  for (const entry of catalog.streams) {
    for (const item of entry.metadata) if (item.breadcrumb.length === 0) item.metadata.selected = true;
  }
  catalogPath = writeJson(dir, 'catalog.json', catalog);
});
afterAll(() => sim.close());

/** `tap-devin --config c --catalog k | devin-tap load --target kind --database path`, as a shell would. */
async function pipeIntoLoad(kind: string, database: string) {
  const { tap, load } = await pipeCli(
    { script: SINGER_CLI, args: ['--config', configPath, '--catalog', catalogPath] },
    { script: CLI, args: ['load', '--target', kind, '--database', database] },
  );
  return { tapCode: tap.code, loadCode: load.code, stderr: tap.stderr + load.stderr };
}

async function tables(kind: (typeof KINDS)[number], database: string): Promise<Record<string, JsonObject[]>> {
  const result: Record<string, JsonObject[]> = {};
  for (const def of STREAMS) {
    const rows = await query(
      kind,
      database,
      `SELECT * FROM "${def.name}" ORDER BY ${def.primaryKey.join(', ')}`,
    );
    // When a row was extracted differs between two runs by nature; everything else must be equal.
    result[def.name] = rows.map(({ _extracted_at: _, ...row }) => row);
  }
  return result;
}

describe('tap-devin | devin-tap load', () => {
  for (const kind of KINDS) {
    it(`gives exactly the tables of devin-tap sync (${kind})`, async () => {
      const synced = join(dir, `sync.${kind}`);
      const sync = await runCli(CLI, [
        'sync',
        '--config',
        configPath,
        '--target',
        kind,
        '--database',
        synced,
        '--streams',
        STREAM_NAMES.join(','),
        '--quiet',
      ]);
      expect(sync.code, sync.stderr).toBe(0);
      const loaded = join(dir, `load.${kind}`);
      const piped = await pipeIntoLoad(kind, loaded);
      expect(piped.tapCode, piped.stderr).toBe(0);
      expect(piped.loadCode, piped.stderr).toBe(0);
      expect(piped.stderr).not.toContain(sim.token);

      const want = await tables(kind, synced);
      const got = await tables(kind, loaded);
      for (const stream of STREAM_NAMES) {
        expect(want[stream]?.length, stream).toBeGreaterThan(0);
        expect(got[stream], stream).toEqual(want[stream]);
      }
    });
  }
});
