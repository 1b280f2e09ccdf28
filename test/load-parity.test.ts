/** `tap-devin | devin-tap load` gives what `devin-tap sync` gives: views, status, summary, run history. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VIEW_NAMES } from '../src/report/views.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { CLI, runCli, SINGER_CLI, writeJson } from './helpers/run-cli.js';
import { pipeTapIntoLoad } from './helpers/singer-pipe.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

interface StatusJson {
  streams: { stream: string; rows: number | null; lastSync: string | null; bookmark: string | null }[];
  runs: { command: string; status: string; rowsWritten: number; requests: number | null }[];
}

let sim: Simulator;
const dir = syncTempDir();
let config = '';
let catalog = '';
beforeAll(async () => {
  sim = await startSimulator({ sessions: 30, messagesPerSession: 2, seed: 52, users: 5 });
  config = configFile(dir, sim, { page_size: 10 });
  const discovered = await runCli(SINGER_CLI, ['--config', config, '--discover']);
  const entries = JSON.parse(discovered.stdout) as {
    streams: { metadata: { breadcrumb: string[]; metadata: JsonObject }[] }[];
  };
  for (const entry of entries.streams) {
    for (const item of entry.metadata) if (item.breadcrumb.length === 0) item.metadata.selected = true;
  }
  catalog = writeJson(dir, 'catalog.json', entries);
  return () => sim.close();
});

const load = (kind: TargetKind, database: string) =>
  pipeTapIntoLoad(['--config', config, '--catalog', catalog], ['--target', kind, '--database', database]);

async function status(database: string): Promise<StatusJson> {
  const run = await runCli(CLI, ['status', '--json', '--database', database]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as StatusJson;
}

/** Every devin-tap view's rows, sorted, so two databases can be compared. */
async function views(kind: TargetKind, database: string): Promise<Record<string, string[]>> {
  const names = await query(kind, database, "SELECT name FROM _devin_tap_objects WHERE type = 'view'");
  const result: Record<string, string[]> = {};
  for (const { name } of names) {
    const rows = await query(kind, database, `SELECT * FROM "${String(name)}"`);
    result[String(name)] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return result;
}

describe.each(KINDS)('load at parity with sync (%s)', (kind) => {
  const synced = () => databasePath(dir, kind, 'synced');
  const loaded = () => databasePath(dir, kind, 'loaded');

  it('the same analyst views with the same rows, the same bookmarks in status, a run in the history', async () => {
    const sync = await runSync(syncArgs(config, kind, synced(), STREAM_NAMES.join(',')));
    expect(sync.code, sync.stderr).toBe(0);
    const piped = await load(kind, loaded());
    expect(piped.loadCode, piped.stderr).toBe(0);
    expect(piped.tapCode, piped.stderr).toBe(0);

    const want = await views(kind, synced());
    expect(Object.keys(want)).toEqual(expect.arrayContaining([...VIEW_NAMES]));
    const got = await views(kind, loaded());
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const name of Object.keys(want)) expect(got[name], name).toEqual(want[name]);
    expect(got.session_facts?.length).toBe(30);

    const wantStatus = await status(synced());
    const gotStatus = await status(loaded());
    const sansTime = (rows: StatusJson['streams']) => rows.map(({ lastSync: _, ...row }) => row);
    expect(sansTime(gotStatus.streams)).toEqual(sansTime(wantStatus.streams));
    expect(gotStatus.streams.find((row) => row.stream === 'sessions')?.bookmark).toMatch(/Z$/);
    expect(gotStatus.streams.find((row) => row.stream === 'sessions')?.lastSync).toMatch(/Z$/);

    expect(gotStatus.runs).toEqual([{ ...gotStatus.runs[0], command: 'load', status: 'ok', requests: null }]);
    expect(gotStatus.runs[0]?.rowsWritten).toBe(wantStatus.runs[0]?.rowsWritten);
  });

  it('the same summary: inserted, updated, unchanged (and rejected) per stream', async () => {
    const first = /^devin-tap load: sessions: 30 records, 30 inserted, 0 updated, 0 unchanged$/m;
    const again = await load(kind, loaded());
    expect(again.loadCode, again.stderr).toBe(0);
    expect(again.loadStderr).not.toMatch(first);
    expect(again.loadStderr).toMatch(
      /^devin-tap load: sessions: 30 records, 0 inserted, 0 updated, 30 unchanged$/m,
    );
    const fresh = await load(kind, databasePath(dir, kind, 'fresh'));
    expect(fresh.loadStderr).toMatch(first);
    const runs = (await status(loaded())).runs;
    expect(runs.map((run) => [run.command, run.status, run.rowsWritten])).toEqual([
      ['load', 'ok', 0],
      ['load', 'ok', runs[1]?.rowsWritten],
    ]);
  });

  it('reset clears the Singer bookmarks of the streams it names; report reads the database', async () => {
    const reset = await runCli(CLI, ['reset', '--database', loaded(), '--streams', 'sessions', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    const rows = (await status(loaded())).streams;
    expect(rows.find((row) => row.stream === 'sessions')).toMatchObject({
      bookmark: null,
      lastSync: null,
      rows: 30,
    });
    expect(rows.find((row) => row.stream === 'session_messages')?.bookmark).toMatch(/Z$/);
    const [singer] = await query(
      kind,
      loaded(),
      "SELECT CAST(state AS TEXT) AS state FROM _devin_tap_state WHERE stream = '_singer'",
    );
    const bookmarks = (JSON.parse(String(singer?.state)) as { bookmarks: JsonObject }).bookmarks;
    expect(Object.keys(bookmarks)).not.toContain('sessions');
    expect(Object.keys(bookmarks)).toContain('playbooks');

    const report = await runCli(CLI, [
      'report',
      '--database',
      loaded(),
      '--out',
      join(dir, `load-${kind}.html`),
    ]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr).toContain('30 sessions');
  });
});

describe.each(KINDS)('load of another tap (%s)', (kind) => {
  it('a sessions stream that does not fit the views: loaded, the views left out with a warning', async () => {
    const database = databasePath(dir, kind, 'other-tap');
    const input = [
      {
        type: 'SCHEMA',
        stream: 'sessions',
        key_properties: ['session_id'],
        schema: { properties: { session_id: { type: 'string' } } },
      },
      { type: 'RECORD', stream: 'sessions', record: { session_id: 'a' } },
      { type: 'STATE', value: { bookmarks: {} } },
    ]
      .map((message) => JSON.stringify(message))
      .join('\n');
    const run = await runCli(CLI, ['load', '--database', database], { input });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('warning: the analyst views were not created: ');
    expect(await query(kind, database, 'SELECT session_id FROM sessions')).toEqual([{ session_id: 'a' }]);
    expect((await status(database)).runs.map((r) => [r.command, r.status, r.rowsWritten])).toEqual([
      ['load', 'ok', 1],
    ]);
  });
});
