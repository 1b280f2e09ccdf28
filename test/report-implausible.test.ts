import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { viewStatements } from '../src/report/views.js';
import { streamSchema } from '../src/tap/catalog.js';
import type { JsonObject } from '../src/tap/json.js';
import type { TargetKind } from '../src/targets/target.js';
import { CLI, runCli } from './helpers/run-cli.js';
import { dbPath, KINDS, tempDir } from './targets-helpers.js';

const dir = tempDir();
const DAY = 1_735_718_400; // 2025-01-01T08:00:00Z, a billing day's start
const MAX_SAFE = 2 ** 53 - 1;
const MILLIS = DAY * 1000;

const schema = (stream: string, keys: string[]) => ({
  type: 'SCHEMA',
  stream,
  key_properties: keys,
  schema: streamSchema(stream),
});
const record = (stream: string, data: JsonObject) => ({ type: 'RECORD', stream, record: data });
const session = (id: string, created: number) =>
  record('sessions', { session_id: id, created_at: created, updated_at: DAY, title: id, acus_consumed: 1 });

function input(): string {
  const messages = [
    schema('consumption_daily', ['date']),
    record('consumption_daily', { date: DAY, acus: 5 }),
    record('consumption_daily', { date: DAY + 86_400, acus: 7 }),
    record('consumption_daily', { date: MAX_SAFE, acus: 1 }),
    record('consumption_daily', { date: MILLIS, acus: 2 }),
    schema('sessions', ['session_id']),
    session('devin-a', DAY + 60),
    session('devin-b', MILLIS),
    { type: 'STATE', value: { done: true } },
  ];
  return `${messages.map((message) => JSON.stringify(message)).join('\n')}\n`;
}

/** acu_daily's rows, with the view created as sync creates it. */
async function acuDaily(kind: TargetKind, path: string): Promise<JsonObject[]> {
  const tables = new Set(['consumption_daily', 'sessions']);
  const sql = (start: string) =>
    `SELECT ${start} AS billing_day_start, CAST(billing_day AS VARCHAR) AS day FROM acu_daily ORDER BY acus`;
  if (kind === 'sqlite') {
    const db = new Database(path);
    try {
      for (const statement of viewStatements('sqlite', tables, { temporary: true })) db.exec(statement);
      return db.prepare(sql('billing_day_start')).all() as JsonObject[];
    } finally {
      db.close();
    }
  }
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const statement of viewStatements('duckdb', tables, { temporary: true }))
      await connection.run(statement);
    // A time column: TIMESTAMPTZ in DuckDB.
    const reader = await connection.runAndReadAll(sql('CAST(epoch(billing_day_start) AS BIGINT)'));
    return reader
      .getRowObjectsJson()
      .map((row) => ({ ...row, billing_day_start: Number(row.billing_day_start) }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe.each(KINDS)('implausible instants in %s', (kind) => {
  it('stay in the tables; acu_daily gives them no day; the report leaves them out of its periods and says so', async () => {
    const path = dbPath(dir, kind);
    const loaded = await runCli(CLI, ['load', '--target', kind, '--database', path], { input: input() });
    expect(loaded.code, loaded.stderr).toBe(0);
    // date is a time column (a key): 2^53 - 1 seconds is no instant either engine's time column
    // holds, so that day is kept in _devin_tap_rejected, as any key its column cannot hold.
    expect(loaded.stderr).toContain('consumption_daily');
    expect(loaded.stderr).toContain('_devin_tap_rejected');
    expect(await acuDaily(kind, path)).toEqual([
      { billing_day_start: MILLIS, day: null },
      { billing_day_start: DAY, day: '2025-01-01' },
      { billing_day_start: DAY + 86_400, day: '2025-01-02' },
    ]);
    const out = join(dir, `report-${kind}.html`);
    const report = await runCli(CLI, ['report', '--database', path, '--out', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr).toContain(
      'devin-tap report: warning: 2 row(s) whose date or created_at is not an instant from 2000 to 2099',
    );
    expect(report.stderr).toContain('devin-tap report: 1 sessions');
    // The page spans the two real days, not 56,000 years: a few hundred KB at most.
    expect(statSync(out).size).toBeLessThan(2_000_000);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('devin-a');
    expect(html).not.toContain('devin-b');
  });
});

describe('user text in the report written by the CLI', () => {
  it('never carries a reordering or zero-width character; long titles are cut with the whole on hover', async () => {
    const path = dbPath(dir, 'sqlite');
    const long = `long ${'y'.repeat(200_000)}`;
    const messages = [
      schema('sessions', ['session_id']),
      {
        ...session('devin-r', DAY),
        record: { ...session('devin-r', DAY).record, title: 'invoice\u202Efdp.exe' },
      },
      { ...session('devin-l', DAY + 1), record: { ...session('devin-l', DAY + 1).record, title: long } },
      {
        ...session('devin-z', DAY + 2),
        record: { ...session('devin-z', DAY + 2).record, category: 'a\u200Bb' },
      },
      { type: 'STATE', value: { done: true } },
    ];
    const text = `${messages.map((message) => JSON.stringify(message)).join('\n')}\n`;
    const loaded = await runCli(CLI, ['load', '--target', 'sqlite', '--database', path], { input: text });
    expect(loaded.code, loaded.stderr).toBe(0);
    const out = join(dir, 'report-text.html');
    const report = await runCli(CLI, ['report', '--database', path, '--out', out]);
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/[\u200B\u202E]/);
    expect(html).toContain('<bdi>invoice[U+202E]fdp.exe</bdi>');
    expect(html).toContain(`<bdi title="${long}">${long.slice(0, 79)}…</bdi>`);
    // The embedded data too, which feeds the charts (canvas text) and the filters.
    const embedded = /id="report-data">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    const payload = gunzipSync(Buffer.from(embedded, 'base64')).toString('utf8');
    expect(payload).not.toMatch(/[\u200B\u202E]|\\u200b|\\u202e/i);
    expect(payload).toContain('invoice[U+202E]fdp.exe');
    expect(payload).toContain('a[U+200B]b');
  });
});
