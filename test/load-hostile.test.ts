import { describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers/run-cli.js';
import { dbPath, KINDS, query, tempDir } from './targets-helpers.js';

const dir = tempDir();
const schema = {
  type: 'object',
  properties: { id: { type: 'integer' }, v: {}, name: { type: 'string' } },
};
const SCHEMA = { type: 'SCHEMA', stream: 'things', key_properties: ['id'], schema };
const record = (id: unknown, v: unknown = 0) => ({ type: 'RECORD', stream: 'things', record: { id, v } });
const text = (messages: readonly unknown[]) => `${messages.map((m) => JSON.stringify(m)).join('\n')}\n`;
const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

function load(kind: string, path: string, input: string) {
  return runCli(CLI, ['load', '--target', kind, '--database', path], { input });
}

describe.each(KINDS)('devin-tap load --target %s over hostile records', (kind) => {
  it('keeps a RECORD whose integer key has another type in _devin_tap_rejected and loads the rest', async () => {
    const path = dbPath(dir, kind);
    // 2^53 + 2 is above the safe range (two such keys can collide); 1e308 is no integer a column holds.
    const wrong = ['abc', 1.5, true, 2 ** 53 + 2, 1e308];
    const input = text([
      SCHEMA,
      record(1),
      ...wrong.map((id) => record(id)),
      record(2),
      { type: 'STATE', value: { bookmarks: { things: 2 } } },
    ]);
    const run = await load(kind, path, input);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('things: 7 records, 2 inserted, 0 updated, 0 unchanged, 5 rejected');
    expect(run.stderr).toContain('record rejected (no valid primary key: id is "abc"');
    expect(run.stdout).toBe('{"bookmarks":{"things":2}}\n');
    expect(await query(kind, path, 'SELECT id FROM things ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    const rejected = await query(
      kind,
      path,
      'SELECT CAST(record AS VARCHAR) AS record FROM _devin_tap_rejected',
    );
    const ids = rejected.map((row) => (JSON.parse(String(row.record)) as { id: unknown }).id);
    expect(ids.sort()).toEqual([...wrong].sort());
  });

  it('keeps a key the existing table cannot hold (created with a text key) in _devin_tap_rejected too', async () => {
    const path = dbPath(dir, kind);
    const textKeys = {
      ...SCHEMA,
      schema: { ...schema, properties: { ...schema.properties, id: { type: 'string' } } },
    };
    const first = await load(kind, path, text([textKeys, record('a'), { type: 'STATE', value: { n: 1 } }]));
    expect(first.code, first.stderr).toBe(0);
    // The schema now says integer: the key passes the schema check, but the TEXT column cannot hold 5.
    const second = await load(kind, path, text([SCHEMA, record(5), { type: 'STATE', value: { n: 2 } }]));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('warning: things: 1 record(s) rejected; kept in _devin_tap_rejected');
    expect(second.stdout).toBe('{"n":2}\n');
    expect(await query(kind, path, 'SELECT id FROM things')).toEqual([{ id: 'a' }]);
    const rows = await query(
      kind,
      path,
      'SELECT reason, CAST(record AS VARCHAR) AS record FROM _devin_tap_rejected',
    );
    expect(rows).toEqual([
      { reason: "no valid primary key: id does not fit the table's id column", record: '{"id":5,"v":0}' },
    ]);
  });

  it('keeps a RECORD nested 10,000 levels deep in _devin_tap_rejected as JSON text and goes on', async () => {
    const path = dbPath(dir, kind);
    const input = [
      JSON.stringify(SCHEMA),
      JSON.stringify(record(1)),
      `{"type":"RECORD","stream":"things","record":{"id":2,"name":"deep","v":${deep(10_000)}}}`,
      JSON.stringify(record(3, [[[1]]])),
      JSON.stringify({ type: 'STATE', value: { n: 1 } }),
    ].join('\n');
    const run = await load(kind, path, `${input}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('record rejected (a value nests more than 256 levels deep)');
    expect(run.stderr).toContain('things: 3 records, 2 inserted, 0 updated, 0 unchanged, 1 rejected');
    expect(await query(kind, path, 'SELECT id FROM things ORDER BY id')).toEqual([{ id: 1 }, { id: 3 }]);
    const [row] = await query(
      kind,
      path,
      'SELECT CAST(record AS VARCHAR) AS record FROM _devin_tap_rejected',
    );
    const kept = JSON.parse(String(row?.record)) as { id: number; name: string; v: string };
    expect({ id: kept.id, name: kept.name }).toEqual({ id: 2, name: 'deep' });
    // Nothing dropped: the deep value is its exact JSON text.
    expect(kept.v).toBe(deep(10_000));
  });

  it('refuses a STATE nested 10,000 levels deep with a message naming the line', async () => {
    const path = dbPath(dir, kind);
    const input = `${JSON.stringify(SCHEMA)}\n{"type":"STATE","value":{"a":${deep(10_000)}}}\n`;
    const run = await load(kind, path, input);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 2: STATE value nests more than 256 levels deep');
    expect(run.stderr).not.toMatch(/call stack|\n\s+at /);
  });

  it.each([
    ['"abc"', 'a string'],
    ['[1]', 'an array'],
    ['null', 'null'],
    ['7', 'a number'],
  ])('refuses a STATE whose value is %s, never echoing it', async (value, what) => {
    const path = dbPath(dir, kind);
    const input = `${JSON.stringify(SCHEMA)}\n${JSON.stringify(record(1))}\n{"type":"STATE","value":${value}}\n`;
    const run = await load(kind, path, input);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`line 3: STATE value must be a JSON object, not ${what}`);
    expect(run.stdout).toBe('');
    // The rows before the bad line are committed, as for any malformed line.
    expect(await query(kind, path, 'SELECT id FROM things')).toEqual([{ id: 1 }]);
  });
});
