/**
 * Consumption days change in hindsight inside the trailing window: a day the API stops listing
 * (usage corrected to zero) goes, a day listed twice keeps its last value, a product's ACUs of
 * another type are kept as sent. The same through `sync` and through `tap-devin | devin-tap load`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import type { TargetKind } from '../src/targets/target.js';
import { databaseRows } from './helpers/database-rows.js';
import { userDayKey } from './helpers/ground-truth.js';
import type { LocalServer } from './helpers/local-server.js';
import { startRewritingProxy } from './helpers/rewriting-proxy.js';
import { runCli, SINGER_CLI, writeJson } from './helpers/run-cli.js';
import { pipeTapIntoLoad } from './helpers/singer-pipe.js';
import { databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

const STREAMS = ['users', 'consumption_daily', 'consumption_by_user'];

/** What the proxy changes in the consumption answers; nothing while `dropped` is null. */
const change = {
  /** The day no answer lists any more. */
  dropped: null as number | null,
  /**
   * Days listed a second time in the organization's answer, last, with acus 4321.5 and
   * acus_by_product.devin the string "1.5".
   */
  twice: new Set<number>(),
};

function rewrite(path: string, body: string): string | null {
  if (change.dropped === null || !path.includes('/consumption/daily')) return null;
  const answer = JSON.parse(body) as { consumption_by_date: JsonObject[] };
  const days = answer.consumption_by_date.filter((day) => day.date !== change.dropped);
  const [latest] = [...days].sort((a, b) => Number(b.date) - Number(a.date));
  if (!path.includes('/users/') && latest) {
    // Listed again, last: its ACUs change and its devin ACUs come as a string.
    change.twice.add(Number(latest.date));
    const products = { ...(latest.acus_by_product as JsonObject), devin: '1.5' };
    days.push({ ...latest, acus: 4321.5, acus_by_product: products });
  }
  answer.consumption_by_date = days;
  return JSON.stringify(answer);
}

let sim: Simulator;
let proxy: LocalServer;
const dir = syncTempDir();
let config = '';
let catalog = '';

beforeAll(async () => {
  sim = await startSimulator({ sessions: 6, messagesPerSession: 1, users: 4, seed: 77 });
  proxy = await startRewritingProxy(sim.baseUrl, rewrite);
  config = writeJson(dir, 'config.json', { ...sim.config(), base_url: proxy.url });
  const discovered = await runCli(SINGER_CLI, ['--config', config, '--discover']);
  const entries = JSON.parse(discovered.stdout) as {
    streams: { tap_stream_id: string; metadata: { breadcrumb: string[]; metadata: JsonObject }[] }[];
  };
  for (const entry of entries.streams) {
    for (const item of entry.metadata)
      if (item.breadcrumb.length === 0) item.metadata.selected = STREAMS.includes(entry.tap_stream_id);
  }
  catalog = writeJson(dir, 'catalog.json', entries);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

interface Tables {
  daily: JsonObject[];
  byUser: JsonObject[];
}

async function tables(kind: TargetKind, database: string): Promise<Tables> {
  return {
    daily: await databaseRows(kind, database, 'consumption_daily'),
    byUser: await databaseRows(kind, database, 'consumption_by_user'),
  };
}

/** The first read as the API served it, then the day to drop: the latest, which some member billed. */
function chooseDropped(first: Tables): number {
  const latest = Math.max(...first.daily.map((row) => Number(row.date)));
  expect(first.byUser.some((row) => row.date === latest)).toBe(true);
  return latest;
}

/** After the re-read: the dropped day gone from both tables, every other day kept, (b) and (c) held. */
async function expectReplaced(kind: TargetKind, database: string, first: Tables, dropped: number) {
  const now = await tables(kind, database);
  const dates = (rows: JsonObject[]) => rows.map((row) => Number(row.date)).sort();
  expect(dates(now.daily)).toEqual(dates(first.daily.filter((row) => row.date !== dropped)));
  const keys = (rows: JsonObject[]) => rows.map(userDayKey).sort();
  expect(keys(now.byUser)).toEqual(keys(first.byUser.filter((row) => row.date !== dropped)));
  expect(change.twice.size).toBeGreaterThan(0);
  for (const row of now.daily) if (change.twice.has(Number(row.date))) expect(row.acus).toBe(4321.5);
  const kept = await query(
    kind,
    database,
    'SELECT date, acus_devin, CAST(_extra AS VARCHAR) AS extra FROM consumption_daily',
  );
  for (const row of kept.filter((day) => change.twice.has(Number(day.date)))) {
    expect(row.acus_devin).toBeNull();
    expect(JSON.parse(String(row.extra))).toEqual({ acus_devin: '1.5' });
  }
}

function resetChange(): void {
  change.dropped = null;
  change.twice.clear();
}

describe.each(KINDS)('%s: the trailing window re-read replaces its days', (kind) => {
  it('devin-tap sync: a day the API no longer lists goes, per member too', async () => {
    resetChange();
    const database = databasePath(dir, kind, 'synced');
    const args = syncArgs(config, kind, database, STREAMS.join(','));
    const run = await runSync(args);
    expect(run.code, run.stderr).toBe(0);
    const first = await tables(kind, database);
    change.dropped = chooseDropped(first);
    const again = await runSync(args);
    expect(again.code, again.stderr).toBe(0);
    await expectReplaced(kind, database, first, change.dropped);
  });

  it('tap-devin | devin-tap load: the same', async () => {
    resetChange();
    const database = databasePath(dir, kind, 'loaded');
    const load = ['--target', kind, '--database', database];
    const run = await pipeTapIntoLoad(['--config', config, '--catalog', catalog], load);
    expect([run.tapCode, run.loadCode], run.stderr).toEqual([0, 0]);
    const first = await tables(kind, database);
    const state = join(dir, `state-${kind}.json`);
    writeFileSync(state, run.stdout.trim().split('\n').at(-1) ?? '');
    change.dropped = chooseDropped(first);
    const again = await pipeTapIntoLoad(['--config', config, '--catalog', catalog, '--state', state], load);
    expect([again.tapCode, again.loadCode], again.stderr).toEqual([0, 0]);
    expect(readFileSync(state, 'utf8')).toContain('consumption_by_user');
    await expectReplaced(kind, database, first, change.dropped);
  });
});
