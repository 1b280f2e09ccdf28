import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import type { TargetKind } from '../src/targets/target.js';
import { airbyteMessages, configuredCatalog } from './helpers/airbyte-protocol.js';
import { asTapRecord } from './helpers/destination-records.js';
import type { LocalServer } from './helpers/local-server.js';
import { startRewritingProxy } from './helpers/rewriting-proxy.js';
import { CLI, runCli, writeJson } from './helpers/run-cli.js';
import { databasePath, runSync, summaryRow, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

/** Wrong-typed consumption dates, served beside the real days of every window. */
const WRONG_DATES = ['2024-05-01T08:00:00Z', 1_714_550_400.5, true, 1e20];
const DEEP = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
/** The session whose structured_output the proxy nests 10,000 levels deep. */
let deepSession = '';
/** Days the proxy lists twice in one answer, with the ACUs of the second listing. */
const repeated = new Map<number, number>();
/** Days whose acus_by_product.devin the proxy serves as the string "1.5". */
const stringDevin = new Set<number>();
/** Every real day the proxy served. */
const served = new Set<number>();

function rewriteDaily(body: string): string {
  const answer = JSON.parse(body) as { consumption_by_date: JsonObject[] };
  const days = answer.consumption_by_date;
  for (const day of days) served.add(day.date as number);
  const [first, second] = days;
  if (first === undefined) return body;
  const date = first.date as number;
  repeated.set(date, 1234.5);
  days.push({ ...first, acus: 1234.5 });
  if (second !== undefined) {
    stringDevin.add(second.date as number);
    second.acus_by_product = { ...(second.acus_by_product as JsonObject), devin: '1.5' };
  }
  for (const wrong of WRONG_DATES) days.push({ date: wrong, acus: 7, acus_by_product: null });
  return JSON.stringify(answer);
}

function rewriteSessions(body: string): string {
  const answer = JSON.parse(body) as { items: JsonObject[] };
  const session = answer.items[0];
  if (session === undefined || (deepSession !== '' && session.session_id !== deepSession)) return body;
  deepSession = String(session.session_id);
  session.structured_output = '__DEEP__';
  return JSON.stringify(answer).replace('"__DEEP__"', DEEP);
}

let sim: Simulator;
let proxy: LocalServer;
const dir = syncTempDir();
let config = '';

beforeAll(async () => {
  sim = await startSimulator({ sessions: 6, messagesPerSession: 1, seed: 23 });
  proxy = await startRewritingProxy(sim.baseUrl, (path, body) => {
    if (/\/consumption\/daily\?/.test(path)) return rewriteDaily(body);
    if (/\/sessions\?/.test(path)) return rewriteSessions(body);
    return null;
  });
  config = writeJson(dir, 'config.json', { ...sim.config(), base_url: proxy.url });
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

const realDays = () => [...served].sort((a, b) => a - b);
/** date is a time column: TIMESTAMPTZ in DuckDB (read back as epoch seconds), epoch seconds in SQLite. */
const dateSeconds = (kind: TargetKind) =>
  kind === 'duckdb' ? 'CAST(epoch(date) AS BIGINT) AS date' : 'date';

describe.each(KINDS)('devin-tap sync --target %s over hostile API data', (kind: TargetKind) => {
  it('rejects wrong-typed dates and a 10,000-deep session alone, keeps the last of a repeated day', async () => {
    const database = databasePath(dir, kind, 'hostile');
    const run = await runSync(syncArgs(config, kind, database, 'consumption_daily,sessions'));
    expect(run.code, run.stderr).toBe(0);
    expect(summaryRow(run, 'consumption_daily')?.status).toBe('ok');
    expect(summaryRow(run, 'sessions')?.status).toBe('ok');
    const days = await query(
      kind,
      database,
      `SELECT ${dateSeconds(kind)}, acus FROM consumption_daily ORDER BY date`,
    );
    expect(days.map((day) => day.date)).toEqual(realDays());
    expect(repeated.size).toBeGreaterThan(0);
    for (const day of days) {
      if (repeated.has(Number(day.date))) expect(day.acus, `day ${day.date}`).toBe(1234.5);
    }
    const rejected = await query(
      kind,
      database,
      'SELECT stream, reason, CAST(record AS VARCHAR) AS record FROM _devin_tap_rejected ORDER BY stream, reason',
    );
    const consumption = rejected.filter((row) => row.stream === 'consumption_daily');
    const dates = consumption.map((row) => (JSON.parse(String(row.record)) as { date: unknown }).date);
    expect(dates.map(String).sort()).toEqual(WRONG_DATES.map(String).sort());
    for (const row of consumption)
      expect(String(row.reason)).toMatch(/^primary key "date" is .+, not a safe integer$/);
    const sessions = rejected.filter((row) => row.stream === 'sessions');
    expect(sessions.map((row) => row.reason)).toEqual(['a value nests more than 256 levels deep']);
    const kept = JSON.parse(String(sessions[0]?.record)) as JsonObject;
    expect(kept.session_id).toBe(deepSession);
    expect(kept.structured_output).toBe(DEEP);
    expect(await query(kind, database, 'SELECT count(*) AS n FROM sessions')).toEqual([{ n: 5 }]);
  });

  it('keeps a non-numeric acus_by_product.devin in _extra instead of reading it as 0', async () => {
    const database = databasePath(dir, kind, 'hostile');
    expect(stringDevin.size).toBeGreaterThan(0);
    const rows = await query(
      kind,
      database,
      `SELECT ${dateSeconds(kind)}, acus_devin, CAST(_extra AS VARCHAR) AS extra FROM consumption_daily ORDER BY date`,
    );
    expect(rows.filter((day) => stringDevin.has(Number(day.date))).length).toBe(stringDevin.size);
    for (const row of rows.filter((day) => stringDevin.has(Number(day.date)))) {
      expect(row.acus_devin).toBeNull();
      expect(JSON.parse(String(row.extra))).toEqual({ acus_devin: '1.5' });
    }
  });
});

describe('devin-tap read over the same data', () => {
  it('emits the good days, warns of the wrong-typed ones and succeeds', async () => {
    const catalog = writeJson(
      dir,
      'catalog.json',
      configuredCatalog(['consumption_daily'], {
        syncMode: 'full_refresh',
        destinationSyncMode: 'overwrite',
      }),
    );
    const run = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
    expect(run.code, run.stderr).toBe(0);
    // Each line valid against the definition its type names.
    const messages = airbyteMessages(run.stdout) as {
      type: string;
      record?: { data: JsonObject };
      log?: JsonObject;
    }[];
    const records = messages.filter((message) => message.type === 'RECORD');
    const dates = records.map((message) =>
      Number(asTapRecord('consumption_daily', message.record?.data ?? {}).date),
    );
    expect(dates.sort((a, b) => a - b)).toEqual(realDays());
    const warnings = messages.filter((message) =>
      String(message.log?.message).includes('primary key "date"'),
    );
    expect(warnings).toHaveLength(WRONG_DATES.length);
  });
});
