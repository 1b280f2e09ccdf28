// Values that must come back exactly as written, through every path a batch takes into a table: a
// first load (plain insert), a rewrite of the same keys (upsert), and a stream without keys (append).
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../src/tap/json.js';
import { openTarget } from '../src/targets/open-target.js';
import { dbPath, KINDS, query, schemaOf, tableRows, tempDir } from './targets-helpers.js';

const dir = tempDir();

const properties = {
  id: { type: 'string' },
  text: { type: ['string', 'null'] },
  n: { type: ['integer', 'null'] },
  x: { type: ['number', 'null'] },
  ok: { type: ['boolean', 'null'] },
  doc: { type: ['object', 'null'] },
  created_at: { type: ['integer', 'null'] },
};
const keyed = schemaOf('exact', properties, ['id']);
const keyless = schemaOf('exact_log', properties, []);

const STRINGS: readonly string[] = [
  '',
  'NULL',
  'é☃😀 日本語 עברית e\u0301 \ufeff\u2028\u2029',
  'quotes " \' "" and \\ backslashes \\" \\\\ \\u0041',
  'lines\nand\r\nreturns\r\ttabs',
  'nul \u0000 inside, controls \u0001\u001f\u007f',
  '{"looks":"like json"}',
  ',;|\t"quoted, field"',
  'x'.repeat(1_000_000),
  '😀'.repeat(50_000),
];
const NUMBERS = [0, 1e308, -1.7976931348623157e308, 5e-324, 0.1 + 0.2, -1.5, 123456.789e-20];
const INTEGERS = [9_007_199_254_740_991, -9_007_199_254_740_991, 0, -1, 2 ** 40];
const TIMES = [1_700_000_123, 0, -86_400, 4_102_444_800];
const DOCS: readonly JsonObject[] = [
  { deep: { list: [1, null, 'z', [[[]]], { '': 'empty key' }] }, big: 2 ** 53 + 2, tiny: 5e-324 },
  { text: 'é😀\u0000\n"\\', unicodeKey: { 'ü ☃': true } },
  {},
];

function rowsOf(version: number): JsonObject[] {
  return STRINGS.map((text, index) => ({
    id: `row-${index}`,
    text,
    n: INTEGERS[(index + version) % INTEGERS.length] ?? null,
    x: NUMBERS[(index + version) % NUMBERS.length] ?? null,
    ok: index % 3 === 2 ? null : (index + version) % 2 === 0,
    doc: DOCS[(index + version) % DOCS.length] ?? null,
    created_at: TIMES[(index + version) % TIMES.length] ?? null,
    ...(index % 2 === 0 ? { unknown: { text, version, nested: [text.slice(0, 20)] } } : {}),
  }));
}

const nullRow = { id: 'nulls', text: null, n: null, x: null, ok: null, doc: null, created_at: null };
const columns = { json: ['doc', '_extra'], timestamps: ['created_at'], booleans: ['ok'] };

function expected(rows: readonly JsonObject[]): JsonObject[] {
  return rows.map(({ unknown, ...known }) => ({
    ...known,
    _extra: unknown === undefined ? null : { unknown },
  }));
}

const byId = (rows: readonly JsonObject[]) =>
  [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));

describe.each(KINDS)('%s target: values round-trip exactly', (kind) => {
  it('through a first load, an upsert of the same keys and an append', async () => {
    const path = dbPath(dir, kind);
    const target = await openTarget(kind, path);
    await target.prepare([keyed, keyless]);
    const first = [...rowsOf(0), nullRow];
    expect(await target.write('exact', first)).toEqual({ inserted: first.length, updated: 0 });
    const second = [...rowsOf(1), nullRow];
    const rewritten = await target.write('exact', second);
    expect(rewritten.inserted).toBe(0);
    await target.write(
      'exact_log',
      [...rowsOf(2), nullRow],
      second.map((_, i) => 1_700_000_000_000 + i),
    );
    await target.checkpoint({});
    await target.close();
    const stored = await tableRows(kind, path, 'exact', columns, 'id');
    expect(byId(stored).map(({ _extracted_at, ...row }) => row)).toEqual(byId(expected(second)));
    const log = await tableRows(kind, path, 'exact_log', columns, 'id');
    expect(byId(log).map(({ _extracted_at, ...row }) => row)).toEqual(
      byId(expected([...rowsOf(2), nullRow])),
    );
    const ms = await query(
      kind,
      path,
      kind === 'duckdb'
        ? 'SELECT epoch_ms(_extracted_at) AS ms FROM exact_log ORDER BY ms'
        : 'SELECT _extracted_at AS ms FROM exact_log ORDER BY ms',
    );
    expect(ms.map((row) => row.ms)).toEqual(second.map((_, i) => 1_700_000_000_000 + i));
  });
});

// DuckDB only: SQLite stores -0 as 0, and a lone surrogate in TEXT as three U+FFFD (its WTF-8 bytes).
describe('duckdb target: values that need care on their way into staging', () => {
  it('keeps -0 in a DOUBLE column', async () => {
    const path = dbPath(dir, 'duckdb');
    const target = await openTarget('duckdb', path);
    await target.prepare([keyed]);
    // Not beside a 0: DuckDB's storage compresses 0 and -0 as one value when they are neighbours.
    await target.write('exact', [
      { id: 'a', x: -0 },
      { id: 'b', x: 2.5 },
    ]);
    await target.checkpoint({});
    await target.close();
    const rows = await query('duckdb', path, 'SELECT id, CAST(x AS TEXT) AS x FROM exact ORDER BY id');
    expect(rows).toEqual([
      { id: 'a', x: '-0.0' },
      { id: 'b', x: '2.5' },
    ]);
  });

  it('stores a lone surrogate as U+FFFD in text, JSON and _extra columns instead of failing the batch', async () => {
    const path = dbPath(dir, 'duckdb');
    const target = await openTarget('duckdb', path);
    await target.prepare([keyed]);
    const cut = '😀'.slice(0, 1);
    const escaped = '\\ud800 stays text';
    const written = await target.write('exact', [
      { id: 'lone', text: `a${cut}b\udc00c`, doc: { s: cut, t: escaped, pair: '😀' }, more: [`x${cut}`] },
      { id: 'fine', text: 'ok' },
    ]);
    expect(written).toEqual({ inserted: 2, updated: 0 });
    await target.checkpoint({});
    await target.close();
    const [, row] = await tableRows('duckdb', path, 'exact', columns, 'id');
    expect(row?.text).toBe('a\ufffdb\ufffdc');
    expect(row?.doc).toEqual({ s: '\ufffd', t: escaped, pair: '😀' });
    expect(row?._extra).toEqual({ more: ['x\ufffd'] });
  });
});
