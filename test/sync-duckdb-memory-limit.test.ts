/**
 * `duckdb_memory_limit` takes effect in `devin-tap sync`: a session holding a 50 MB title fits the
 * machine's default limit but not 64MB, and `--memory-limit` wins over the config field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import type { LocalServer } from './helpers/local-server.js';
import { startRewritingProxy } from './helpers/rewriting-proxy.js';
import { writeJson } from './helpers/run-cli.js';
import { databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { query } from './targets-helpers.js';

const TITLE_BYTES = 50 * 1024 * 1024;

let sim: Simulator;
let proxy: LocalServer;
const dir = syncTempDir();
let config = '';

beforeAll(async () => {
  sim = await startSimulator({ sessions: 3, messagesPerSession: 1, seed: 64 });
  proxy = await startRewritingProxy(sim.baseUrl, (path, body) => {
    if (!/\/sessions\?/.test(path)) return null;
    const answer = JSON.parse(body) as { items: JsonObject[] };
    const first = answer.items[0];
    if (first) first.title = 't'.repeat(TITLE_BYTES);
    return JSON.stringify(answer);
  });
  const fields = { ...sim.config(), base_url: proxy.url, max_response_mb: 200 };
  config = writeJson(dir, 'config.json', { ...fields, duckdb_memory_limit: '64MB' });
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

describe('duckdb_memory_limit', () => {
  it('is the limit sync runs DuckDB with; --memory-limit wins over it', async () => {
    const database = databasePath(dir, 'duckdb', 'limited');
    const starved = await runSync(syncArgs(config, 'duckdb', database, 'sessions'));
    expect(starved.code).toBe(1);
    expect(starved.stderr).toContain('DuckDB ran out of memory (memory limit 64MB)');

    const roomy = await runSync([
      ...syncArgs(config, 'duckdb', database, 'sessions'),
      '--memory-limit',
      '1GB',
    ]);
    expect(roomy.code, roomy.stderr).toBe(0);
    const [row] = await query('duckdb', database, 'SELECT max(length(title)) AS n FROM sessions');
    expect(row).toEqual({ n: TITLE_BYTES });
  });
});
