import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { ENTERPRISE_STREAMS, enterpriseKey, expectedEnterprise } from './enterprise-truth.js';
import { airbyteMessages, configuredCatalog } from './helpers/airbyte-protocol.js';
import { databaseRows, withoutNulls } from './helpers/database-rows.js';
import { asTapRecord } from './helpers/destination-records.js';
import { CLI, jsonLines, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';
import { pipeTapIntoLoad } from './helpers/singer-pipe.js';

const DAY = 86_400;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function keyed(stream: string, rows: readonly JsonObject[]): Record<string, JsonObject> {
  return Object.fromEntries(rows.map((row) => [enterpriseKey(stream, row), row]));
}

describe('enterprise scope in Airbyte and Singer modes', () => {
  let sim: Simulator;
  let config: string;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 40, messagesPerSession: 2, users: 8, seed: 21, orgs: 2 });
    dir = tempDir('devin-tap-enterprise-protocols-');
    config = writeJson(dir, 'config.json', { ...sim.enterpriseConfig(), page_size: 50 });
  });
  afterAll(() => sim.close());

  it('discover lists the enterprise streams with their keys', async () => {
    const result = await runCli(CLI, ['discover', '--config', config]);
    expect(result.code, result.stderr).toBe(0);
    const catalog = airbyteMessages(result.stdout).find((message) => message.type === 'CATALOG');
    const streams = (catalog?.catalog?.streams ?? []) as JsonObject[];
    expect(streams.map((stream) => stream.name).sort()).toEqual([...ENTERPRISE_STREAMS].sort());
    const secrets = streams.find((stream) => stream.name === 'secrets');
    expect(secrets?.source_defined_primary_key).toEqual([['org_id'], ['secret_id']]);
  });

  it('Airbyte read and tap-devin give the same records, exactly what the simulator serves', async () => {
    const catalog = writeJson(dir, 'catalog.json', configuredCatalog(ENTERPRISE_STREAMS));
    const airbyte = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
    expect(airbyte.code, airbyte.stderr).toBe(0);
    const singer = await runCli(SINGER_CLI, ['--config', config]);
    expect(singer.code, singer.stderr).toBe(0);
    const expected = expectedEnterprise(sim, { now: nowSeconds(), metricsFrom: nowSeconds() - 90 * DAY });

    const fromAirbyte: Record<string, JsonObject[]> = {};
    for (const message of airbyteMessages(airbyte.stdout)) {
      if (message.record === undefined) continue;
      const { stream, data } = message.record;
      fromAirbyte[stream] = [...(fromAirbyte[stream] ?? []), asTapRecord(stream, data)];
    }
    const fromSinger: Record<string, JsonObject[]> = {};
    for (const line of jsonLines(singer.stdout) as JsonObject[]) {
      if (line.type !== 'RECORD') continue;
      const stream = String(line.stream);
      fromSinger[stream] = [...(fromSinger[stream] ?? []), asTapRecord(stream, line.record as JsonObject)];
    }
    // tap-devin reads what is selected by default: the opt-in streams stay out.
    const optIn = new Set(['session_messages', 'session_attachments']);
    for (const stream of ENTERPRISE_STREAMS) {
      const want = keyed(stream, expected[stream] ?? []);
      expect(keyed(stream, fromAirbyte[stream] ?? []), `airbyte ${stream}`).toEqual(want);
      if (!optIn.has(stream))
        expect(keyed(stream, fromSinger[stream] ?? []), `singer ${stream}`).toEqual(want);
    }
  });

  it('tap-devin | devin-tap load fills both engines exactly as the simulator serves', async () => {
    const expected = expectedEnterprise(sim, { now: nowSeconds(), metricsFrom: nowSeconds() - 90 * DAY });
    for (const kind of ['duckdb', 'sqlite'] as const) {
      const database = `${dir}/loaded.${kind}`;
      const piped = await pipeTapIntoLoad(['--config', config], ['--target', kind, '--database', database]);
      expect(piped.loadCode, piped.stderr).toBe(0);
      for (const stream of ENTERPRISE_STREAMS.filter((name) => !name.startsWith('session_'))) {
        const rows = (await databaseRows(kind, database, stream, 'enterprise')).map(withoutNulls);
        const want = (expected[stream] ?? []).map(withoutNulls);
        expect(keyed(stream, rows), `${kind} ${stream}`).toEqual(keyed(stream, want));
      }
    }
  });
});
