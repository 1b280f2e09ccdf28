import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES, STREAMS } from '../src/tap/streams/index.js';
import type { TargetKind } from '../src/targets/target.js';
import { databaseRows } from './helpers/database-rows.js';
import { KEY_COLUMNS } from './helpers/ground-truth.js';
import {
  configFile,
  databasePath,
  expectTablesEqualSimulator,
  messageRequestSessions,
  runSync,
  type SyncRun,
  summaryRow,
  syncArgs,
  syncTempDir,
} from './sync-helpers.js';
import { KINDS, query } from './targets-helpers.js';

const ORDER: Record<string, string> = Object.fromEntries(
  Object.entries(KEY_COLUMNS).map(([stream, columns]) => [stream, columns.join(', ')]),
);

/** Read again on every run (lists without timestamps in full, windowed streams' trailing days): rewritten, never inserted. */
const REREAD = new Set(
  STREAMS.filter((def) => !def.parent || def.paging?.kind === 'window')
    .filter((def) => def.cursorField === null || def.paging?.kind === 'window')
    .map((def) => def.name),
);
/** Metrics re-read their trailing days only; the simulator's changes land on a day before them. */
const NOT_METRICS = STREAM_NAMES.filter((name) => !name.startsWith('metrics_'));

const withoutExtractedAt = (rows: readonly JsonObject[]) =>
  rows.map(({ _extracted_at: _dropped, ...row }) => row);

/** Every table exactly as stored, `_extracted_at` included: a rewrite of any row shows. */
async function snapshot(kind: TargetKind, path: string): Promise<Record<string, JsonObject[]>> {
  const tables: Record<string, JsonObject[]> = {};
  for (const stream of STREAM_NAMES)
    tables[stream] = await query(kind, path, `SELECT * FROM ${stream} ORDER BY ${ORDER[stream]}`);
  return tables;
}

function expectOk(run: SyncRun): void {
  expect(run.code, run.stderr).toBe(0);
  expect(run.summary?.failures).toEqual([]);
}

function idsOf(rows: Iterable<JsonObject>, field: string): string[] {
  return [...rows].map((row) => String(row[field]));
}

describe.each(KINDS)('devin-tap sync --target %s: incremental and full refresh', (kind) => {
  let sim: Simulator;
  const dir = syncTempDir();
  const database = databasePath(dir, kind);
  let config = '';
  const sync = (...extra: string[]) => runSync([...syncArgs(config, kind, database), ...extra]);

  beforeAll(async () => {
    sim = await startSimulator({ sessions: 45, messagesPerSession: 3, playbooks: 10, seed: 33, users: 5 });
    config = configFile(dir, sim, { page_size: 20 });
    expectOk(await sync());
    await expectTablesEqualSimulator(kind, database, sim);
  });
  afterAll(() => sim.close());

  it('a second sync with no API changes changes nothing and requests no messages', async () => {
    const before = await snapshot(kind, database);
    sim.clearRequestLog();
    const run = await sync();
    expectOk(run);
    for (const row of run.summary?.streams ?? []) {
      expect({
        stream: row.stream,
        inserted: row.inserted,
        updated: REREAD.has(row.stream) ? 0 : row.updated,
      }).toEqual({
        stream: row.stream,
        inserted: 0,
        updated: 0,
      });
    }
    // Members are read in full every run; rewritten with the same content they count as unchanged.
    expect(summaryRow(run, 'users')).toMatchObject({ updated: 0, unchanged: [...sim.users()].length });
    expect(messageRequestSessions(sim)).toEqual([]);
    const after = await snapshot(kind, database);
    for (const stream of STREAM_NAMES) {
      if (REREAD.has(stream))
        expect(withoutExtractedAt(after[stream] ?? []), stream).toEqual(
          withoutExtractedAt(before[stream] ?? []),
        );
      else expect(after[stream], stream).toEqual(before[stream]);
    }
  });

  it('after API changes, a sync reflects every change and reads messages of changed sessions only', async () => {
    const sessionIds = idsOf(sim.sessions(), 'session_id');
    const [statusAndMessages, messagesOnly, statusOnly] = [sessionIds[5], sessionIds[20], sessionIds[33]];
    if (!statusAndMessages || !messagesOnly || !statusOnly) throw new Error('too few sessions');
    const playbook = idsOf(sim.playbooks(), 'playbook_id')[2] ?? '';
    const messageRows = (id: string) =>
      databaseRows(kind, database, 'session_messages').then(
        (rows) => rows.filter((row) => row.session_id === id).length,
      );
    const messagesBefore = await messageRows(statusAndMessages);
    const storedBefore = messagesBefore + (await messageRows(messagesOnly)) + (await messageRows(statusOnly));

    sim.updateSession(statusAndMessages, { status: 'exit', newMessages: 4 });
    sim.updateSession(messagesOnly, { newMessages: 2 });
    sim.updateSession(statusOnly, { status: 'blocked' });
    const added = sim.addSessions(3);
    sim.updatePlaybook(playbook);
    // The comparison sees the changes: the tables no longer equal the API.
    await expect(expectTablesEqualSimulator(kind, database, sim)).rejects.toThrow();

    sim.clearRequestLog();
    const run = await sync();
    expectOk(run);
    await expectTablesEqualSimulator(kind, database, sim, NOT_METRICS);
    expect(await messageRows(statusAndMessages)).toBe(messagesBefore + 4);

    const changed = [statusAndMessages, messagesOnly, statusOnly, ...added];
    expect([...new Set(messageRequestSessions(sim))].sort()).toEqual([...changed].sort());
    expect(summaryRow(run, 'sessions')).toMatchObject({ inserted: 3, updated: 3 });
    expect(summaryRow(run, 'sessions_insights')).toMatchObject({ inserted: 3, updated: 3 });
    expect(summaryRow(run, 'playbooks')).toMatchObject({ inserted: 0, updated: 1 });
    expect(summaryRow(run, 'secrets')).toMatchObject({ inserted: 0, updated: 0 });
    // The messages endpoint has no updated_after filter: a changed session's messages are all read
    // again; the ones already stored with the same content count as unchanged, not updated.
    const newMessages = added.reduce((sum, id) => sum + [...sim.messages(id)].length, 4 + 2);
    expect(summaryRow(run, 'session_messages')).toMatchObject({
      inserted: newMessages,
      updated: 0,
    });
    expect(summaryRow(run, 'session_messages')?.unchanged).toBeGreaterThanOrEqual(storedBefore);
  });

  it('a plain incremental sync keeps rows the API no longer serves; --full-refresh removes them', async () => {
    const deletedSession =
      idsOf(sim.sessions(), 'session_id').find(
        (id, index) => index > 8 && [...sim.messages(id)].length > 0,
      ) ?? '';
    const deletedPlaybook = idsOf(sim.playbooks(), 'playbook_id')[4] ?? '';
    expect([...sim.messages(deletedSession)].length).toBeGreaterThan(0);
    sim.deleteSession(deletedSession);
    sim.deletePlaybook(deletedPlaybook);

    expectOk(await sync());
    const stored = async (stream: string, field: string, id: string) =>
      (await databaseRows(kind, database, stream)).filter((row) => row[field] === id).length;
    expect(await stored('sessions', 'session_id', deletedSession)).toBe(1);
    expect(await stored('sessions_insights', 'session_id', deletedSession)).toBe(1);
    expect(await stored('session_messages', 'session_id', deletedSession)).toBeGreaterThan(0);
    expect(await stored('playbooks', 'playbook_id', deletedPlaybook)).toBe(1);

    const full = await sync('--full-refresh');
    expectOk(full);
    await expectTablesEqualSimulator(kind, database, sim);
    expect(await stored('sessions', 'session_id', deletedSession)).toBe(0);
    expect(await stored('session_messages', 'session_id', deletedSession)).toBe(0);
    expect(await stored('playbooks', 'playbook_id', deletedPlaybook)).toBe(0);

    // After a full refresh, incremental syncs carry on from its state.
    sim.clearRequestLog();
    const next = await sync();
    expectOk(next);
    expect(messageRequestSessions(sim)).toEqual([]);
    await expectTablesEqualSimulator(kind, database, sim);
  });
});
