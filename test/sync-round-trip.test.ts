import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, SPECIAL, startSimulator } from '../src/simulator/index.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { databaseRows, tableColumns } from './helpers/database-rows.js';
import {
  configFile,
  databasePath,
  expectTablesEqualSimulator,
  runSync,
  summaryRow,
  syncArgs,
  syncTempDir,
} from './sync-helpers.js';
import { KINDS } from './targets-helpers.js';

describe.each(KINDS)('devin-tap sync --target %s: round trip', (kind) => {
  let sim: Simulator;
  const dir = syncTempDir();
  const database = databasePath(dir, kind);

  beforeAll(async () => {
    sim = await startSimulator({ sessions: 40, messagesPerSession: 3, seed: 21, users: 6 });
  });
  afterAll(() => sim.close());

  it('loads every record of every stream once, equal field by field to what the API served', async () => {
    const run = await runSync(syncArgs(configFile(dir, sim, { page_size: 50 }), kind, database));
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary?.failures).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(sim.token);
    expect(run.summary?.streams.map((row) => row.stream)).toEqual([...STREAM_NAMES]);
    await expectTablesEqualSimulator(kind, database, sim);

    const sessions = [...sim.sessions()];
    expect(summaryRow(run, 'sessions')).toMatchObject({ inserted: sessions.length, updated: 0 });
    // Session index 1 has 520+ messages: several pages, all of them landed.
    const many = String(sessions.at(-1 - SPECIAL.manyMessages)?.session_id);
    const manyRows = (await databaseRows(kind, database, 'session_messages')).filter(
      (row) => row.session_id === many,
    );
    expect(manyRows.length).toBeGreaterThanOrEqual(520);
  });

  it('stores timestamps as timestamps, JSON as JSON, and unknown fields in _extra', async () => {
    const columns = new Map(
      (await tableColumns(kind, database, 'sessions')).map((column) => [column.name, column.type]),
    );
    const expected =
      kind === 'duckdb'
        ? { created_at: 'TIMESTAMP WITH TIME ZONE', tags: 'JSON', is_archived: 'BOOLEAN', _extra: 'JSON' }
        : { created_at: 'INTEGER', tags: 'TEXT', is_archived: 'INTEGER', _extra: 'TEXT' };
    for (const [name, type] of Object.entries(expected)) expect(columns.get(name), name).toBe(type);
    // The unicode special session carries the unknown `beta_flag` field: it round-trips through _extra.
    const sessions = [...sim.sessions()];
    const unicode = sessions.at(-1 - SPECIAL.unicode);
    expect(unicode?.beta_flag).toBeDefined();
    const row = (await databaseRows(kind, database, 'sessions')).find(
      (r) => r.session_id === unicode?.session_id,
    );
    expect(row?.beta_flag).toEqual(unicode?.beta_flag);
  });

  it('keeps secrets to their metadata: no value column, no _extra, no token in the file', async () => {
    const names = (await tableColumns(kind, database, 'secrets')).map((column) => column.name);
    expect(names).not.toContain('value');
    expect(names).not.toContain('_extra');
    const bytes = readFileSync(database);
    expect(bytes.includes(Buffer.from(sim.token))).toBe(false);
    for (const secret of sim.secrets()) {
      const value = secret.value;
      if (typeof value === 'string' && value.length >= 8)
        expect(bytes.includes(Buffer.from(value))).toBe(false);
    }
  });
});
