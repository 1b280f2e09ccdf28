/**
 * A DuckDB database written by the release before: its catalog did not mark `date`, `start_time` and
 * `end_time` as timestamps, so those columns (primary keys among them) were BIGINT epoch seconds. The
 * next sync retypes them to TIMESTAMPTZ in place, in one transaction, says so once, and leaves every
 * row as it was; the views then read them as every other time column.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { streamSchema } from '../src/tap/catalog.js';
import type { JsonObject } from '../src/tap/json.js';
import { findStream } from '../src/tap/streams/index.js';
import { TIMESTAMP_KEYWORD } from '../src/tap/timestamps.js';
import { createTableSql, writtenColumns } from '../src/targets/sql.js';
import { quoteIdent, tableLayout } from '../src/targets/table-layout.js';
import { databaseRows, tableColumns } from './helpers/database-rows.js';
import { CLI, runCli } from './helpers/run-cli.js';
import { configFile, databasePath, runSync, syncArgs, syncTempDir } from './sync-helpers.js';
import { query } from './targets-helpers.js';

const STREAMS = [
  'sessions',
  'sessions_insights',
  'consumption_daily',
  'consumption_by_user',
  'metrics_sessions',
  'metrics_active_users',
];
/** The columns the release before stored as BIGINT. */
const EARLIER_BIGINT = [
  'consumption_daily.date',
  'consumption_by_user.date',
  'metrics_sessions.date',
  'metrics_active_users.start_time',
  'metrics_active_users.end_time',
];

const ODD = 2 ** 53 - 1;
const Y2000 = 946_684_800;

/** The catalog as the release before had it: no timestamp marks. */
function earlierSchema(stream: string): JsonObject {
  const schema = streamSchema(stream);
  const properties: JsonObject = {};
  for (const [name, property] of Object.entries(schema.properties as Record<string, JsonObject>)) {
    const { [TIMESTAMP_KEYWORD]: _mark, ...rest } = property;
    properties[name] = rest;
  }
  return { ...schema, properties };
}

/** Rewrites the tables (and one view) as the release before wrote them. */
async function asEarlierRelease(path: string, tables: readonly string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const table of tables) {
      const keys = findStream(table)?.primaryKey ?? [];
      const layout = tableLayout('duckdb', { name: table, schema: earlierSchema(table), keys }, []);
      const old = `${table}_earlier`;
      const bigint = new Set(
        EARLIER_BIGINT.filter((c) => c.startsWith(`${table}.`)).map((c) => c.split('.')[1]),
      );
      const values = writtenColumns(layout).map((name) =>
        bigint.has(name) ? `CAST(epoch(${quoteIdent(name)}) AS BIGINT)` : quoteIdent(name),
      );
      // The release before declared the PRIMARY KEY (DuckDB kept its index in memory).
      const primaryKey = `, PRIMARY KEY (${keys.map(quoteIdent).join(', ')}))`;
      await connection.run(createTableSql('duckdb', old, layout).replace(/\)$/, primaryKey));
      await connection.run(`INSERT INTO ${old} SELECT ${values.join(', ')} FROM ${table}`);
      await connection.run(`DROP TABLE ${table}`);
      await connection.run(`ALTER TABLE ${old} RENAME TO ${table}`);
    }
    // Values no TIMESTAMPTZ holds, which the earlier BIGINT columns took: a key, and a column beside one.
    await connection.run(
      `INSERT INTO consumption_by_user (user_id, date, acus, _extracted_at) VALUES ('u-odd', ${ODD}, 1, now())`,
    );
    await connection.run(
      `INSERT INTO metrics_active_users (period, start_time, end_time, active_users, _extracted_at) VALUES ('day', ${Y2000}, ${ODD}, 3, now())`,
    );
    // The earlier acu_daily read date as epoch seconds.
    await connection.run(
      "CREATE OR REPLACE VIEW acu_daily AS SELECT CAST(to_timestamp(c.date) AT TIME ZONE 'UTC' AS DATE) AS billing_day, c.date AS billing_day_start, c.acus FROM consumption_daily AS c",
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function typeOf(path: string, column: string): Promise<string> {
  const [table, name] = column.split('.') as [string, string];
  return (await tableColumns('duckdb', path, table)).find((c) => c.name === name)?.type ?? '';
}

describe('a DuckDB database of the release before', () => {
  let sim: Simulator;
  const dir = syncTempDir();
  const database = databasePath(dir, 'duckdb');
  let config: string;
  const before = new Map<string, JsonObject[]>();

  beforeAll(async () => {
    sim = await startSimulator({ sessions: 20, messagesPerSession: 1, users: 4, seed: 31 });
    config = configFile(dir, sim);
    const first = await runSync(syncArgs(config, 'duckdb', database, STREAMS.join(',')));
    expect(first.code, first.stderr).toBe(0);
    for (const stream of STREAMS) before.set(stream, await databaseRows('duckdb', database, stream));
    await asEarlierRelease(database, [
      'sessions',
      'consumption_daily',
      'consumption_by_user',
      'metrics_sessions',
      'metrics_active_users',
    ]);
  });
  afterAll(() => sim.close());

  it('is migrated by the next sync: said once, every time column TIMESTAMPTZ, rows and keys unchanged, views working', async () => {
    for (const column of EARLIER_BIGINT) expect(await typeOf(database, column), column).toBe('BIGINT');
    // The report opens the file read-only: it says how to migrate rather than failing in a view.
    const report = await runCli(CLI, ['report', '--database', database, '--out', join(dir, 'r.html')]);
    expect(report.code).toBe(1);
    expect(report.stderr).toContain('consumption_daily.date');
    expect(report.stderr).toContain('run `devin-tap sync` on it once');
    expect(report.stderr).not.toMatch(/\n\s+at /);
    const second = await runSync(syncArgs(config, 'duckdb', database, STREAMS.join(',')));
    expect(second.code, second.stderr).toBe(0);
    const said = second.stderr.split('\n').filter((line) => line.includes('migrated'));
    expect(said).toHaveLength(1);
    for (const column of EARLIER_BIGINT) expect(said[0]).toContain(column);
    const rebuilt = second.stderr.split('\n').filter((line) => line.includes('primary-key index'));
    expect(rebuilt).toEqual([
      'devin-tap sync: rebuilt 5 table(s) an earlier devin-tap wrote without their primary-key index ' +
        '(it grew in memory with the table; keys are now kept unique by devin-tap), rows unchanged: ' +
        'sessions, consumption_daily, consumption_by_user, metrics_active_users, metrics_sessions',
    ]);
    for (const column of EARLIER_BIGINT)
      expect(await typeOf(database, column), column).toBe('TIMESTAMP WITH TIME ZONE');
    const odd = (row: JsonObject) => row.start_time === Y2000;
    for (const stream of STREAMS)
      expect(
        (await databaseRows('duckdb', database, stream)).filter((row) => !odd(row)),
        stream,
      ).toEqual(before.get(stream));
    // The odd key went where keys no column holds go; the odd end_time is kept in _extra.
    const [rejected] = await query(
      'duckdb',
      database,
      "SELECT record::VARCHAR AS r, reason FROM _devin_tap_rejected WHERE stream = 'consumption_by_user'",
    );
    expect(JSON.parse(String(rejected?.r))).toMatchObject({ user_id: 'u-odd', date: ODD });
    expect(String(rejected?.reason)).toContain('no valid primary key: date');
    const [kept] = await query(
      'duckdb',
      database,
      `SELECT end_time, _extra::VARCHAR AS extra FROM metrics_active_users WHERE start_time = to_timestamp(${Y2000})`,
    );
    expect(kept?.end_time).toBeNull();
    expect(JSON.parse(String(kept?.extra))).toEqual({ end_time: ODD });
    // No key index is left in memory; the table records its key, which later syncs keep unique.
    const constraints = await query(
      'duckdb',
      database,
      "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND NOT starts_with(table_name, '_devin_tap')",
    );
    expect(constraints).toEqual([]);
    const [comment] = await query(
      'duckdb',
      database,
      "SELECT comment FROM duckdb_tables() WHERE table_name = 'consumption_by_user'",
    );
    expect(comment?.comment).toBe('devin-tap primary key: ["user_id","date"]');
    const again = await runSync(syncArgs(config, 'duckdb', database, STREAMS.join(',')));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('rebuilt');
    for (const stream of STREAMS)
      expect(
        (await databaseRows('duckdb', database, stream)).filter((row) => !odd(row)),
        stream,
      ).toEqual(before.get(stream));

    const days = await query(
      'duckdb',
      database,
      'SELECT billing_day::VARCHAR AS day, CAST(epoch(billing_day_start) AS BIGINT) AS start FROM acu_daily ORDER BY start',
    );
    const dates = (before.get('consumption_daily') ?? []).map((row) => Number(row.date));
    expect(days.map((row) => row.start)).toEqual(dates);
    expect(days.map((row) => row.day)).toEqual(
      dates.map((d) => new Date(d * 1000).toISOString().slice(0, 10)),
    );
    const [adoption] = await query(
      'duckdb',
      database,
      'SELECT count(*) AS n, count(day) AS days FROM daily_adoption',
    );
    expect(Number(adoption?.n)).toBeGreaterThan(0);
    expect(adoption?.days).toBe(adoption?.n);
    const [facts] = await query('duckdb', database, 'SELECT count(*) AS n FROM session_facts');
    expect(Number(facts?.n)).toBe([...sim.sessions()].length);

    const third = await runSync(syncArgs(config, 'duckdb', database, STREAMS.join(',')));
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).not.toContain('migrated');
  });

  it('a SQLite database keeps epoch seconds: nothing to migrate', async () => {
    const path = databasePath(dir, 'sqlite');
    for (const _run of [1, 2]) {
      const run = await runSync(syncArgs(config, 'sqlite', path, 'consumption_daily,metrics_active_users'));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toContain('migrated');
    }
    expect(
      (await tableColumns('sqlite', path, 'consumption_daily')).find((c) => c.name === 'date')?.type,
    ).toBe('INTEGER');
  });
});
