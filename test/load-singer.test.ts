import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runLoad } from '../src/load/run-load.js';
import { InputError } from '../src/tap/errors.js';
import { openTarget } from '../src/targets/open-target.js';
import { rowCount } from '../src/targets/row-batch.js';
import type { Target, TargetKind } from '../src/targets/target.js';
import { dbPath, KINDS, query, tempDir } from './targets-helpers.js';

const dir = tempDir();

const lines = (...messages: readonly unknown[]) => messages.map((message) => JSON.stringify(message));
const usersSchema = {
  type: 'SCHEMA',
  stream: 'users',
  key_properties: ['id'],
  schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
};
const user = (id: number, name: string) => ({ type: 'RECORD', stream: 'users', record: { id, name } });

/** A target that logs its calls, so tests can see what happened before each STATE echo. */
function logged(target: Target, log: string[]): Target {
  return {
    kind: target.kind,
    path: target.path,
    prepare: (streams) => target.prepare(streams),
    migrate: (streams) => target.migrate(streams),
    write: async (stream, rows, at) => {
      log.push(`write ${stream} ${rowCount(rows)}`);
      return target.write(stream, rows, at);
    },
    checkpoint: async (state) => {
      await target.checkpoint(state);
      log.push(`commit ${JSON.stringify(state)}`);
    },
    readState: () => target.readState(),
    clearScope: async (stream, scope, kept) => {
      log.push(`clear ${stream} ${kept.length}`);
      return target.clearScope(stream, scope, kept);
    },
    beginFullRefresh: (stream) => target.beginFullRefresh(stream),
    completeFullRefresh: (stream, state) => target.completeFullRefresh(stream, state),
    abortFullRefresh: (stream) => target.abortFullRefresh(stream),
    reject: (records) => target.reject(records),
    checkObjects: (names) => target.checkObjects(names),
    tableNames: () => target.tableNames(),
    execute: (statements, views) => target.execute(statements, views),
    recordRun: (run) => target.recordRun(run),
    close: () => target.close(),
  };
}

async function load(kind: TargetKind, input: readonly string[], log: string[] = []) {
  const path = dbPath(dir, kind);
  const target = await openTarget(kind, path);
  const echoed: string[] = [];
  const warnings: string[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      echoed.push(chunk.toString());
      log.push(`echo ${chunk.toString().trim()}`);
      done();
    },
  });
  // Split across chunk boundaries on purpose: lines must be reassembled.
  const text = `${input.join('\r\n')}\n`;
  const chunks = [text.slice(0, 7), text.slice(7, 50), text.slice(50)];
  try {
    const summary = await runLoad({
      target: logged(target, log),
      input: Readable.from(chunks),
      output,
      log: (m) => warnings.push(m),
      limits: { rows: 2 },
    });
    return { path, summary, echoed, warnings, error: null };
  } catch (error) {
    return { path, summary: null, echoed, warnings, error };
  } finally {
    await target.close();
  }
}

describe.each(KINDS)('load into %s', (kind) => {
  it('upserts streams with keys and echoes each STATE only after the rows before it are committed', async () => {
    const log: string[] = [];
    const input = lines(
      usersSchema,
      user(1, 'ann'),
      user(2, 'bob'),
      user(3, 'cy'),
      { type: 'STATE', value: { bookmarks: { users: 3 } } },
      user(2, 'bobby'),
      { type: 'ACTIVATE_VERSION', stream: 'users', version: 1 },
      { type: 'STATE', value: { bookmarks: { users: 4 } } },
      { type: 'BATCH', stream: 'users' },
    );
    const { path, summary, echoed, warnings, error } = await load(kind, input, log);
    expect(error).toBeNull();
    const values = ['{"bookmarks":{"users":3}}', '{"bookmarks":{"users":4}}'];
    expect(echoed).toEqual(values.map((value) => `${value}\n`));
    expect(log).toEqual([
      'write users 2',
      'write users 1',
      'commit {"_singer":{"bookmarks":{"users":3}}}',
      `echo ${values[0]}`,
      'write users 1',
      'commit {"_singer":{"bookmarks":{"users":4}}}',
      `echo ${values[1]}`,
      'commit {}',
    ]);
    expect(summary).toEqual({
      lines: 9,
      states: 2,
      streams: { users: { records: 4, inserted: 3, updated: 1, unchanged: 0, rejected: 0 } },
      skipped: { ACTIVATE_VERSION: 1, BATCH: 1 },
      committed: 4,
      interrupted: null,
    });
    expect(warnings).toEqual([
      'warning: skipping Singer ACTIVATE_VERSION messages (first at line 7)',
      'warning: skipping Singer BATCH messages (first at line 9)',
    ]);
    expect(await query(kind, path, 'SELECT id, name FROM users ORDER BY id')).toEqual([
      { id: 1, name: 'ann' },
      { id: 2, name: 'bobby' },
      { id: 3, name: 'cy' },
    ]);
    const [stored] = await query(kind, path, "SELECT state FROM _devin_tap_state WHERE stream = '_singer'");
    expect(JSON.parse(String(stored?.state))).toEqual({ bookmarks: { users: 4 } });
  });

  it('appends streams without keys and adds the column of a schema that gains a property', async () => {
    const events = (properties: object) => ({
      type: 'SCHEMA',
      stream: 'events',
      key_properties: [],
      schema: { type: 'object', properties },
    });
    const input = lines(
      events({ id: { type: 'string' } }),
      {
        type: 'RECORD',
        stream: 'events',
        record: { id: 'a', level: 1 },
        time_extracted: '2024-01-02T03:04:05.678Z',
      },
      { type: 'RECORD', stream: 'events', record: { id: 'a' } },
      events({ id: { type: 'string' }, level: { type: ['integer', 'null'] } }),
      { type: 'RECORD', stream: 'events', record: { id: 'b', level: 2 } },
    );
    const { path, error } = await load(kind, input);
    expect(error).toBeNull();
    const extractedAt = kind === 'duckdb' ? 'epoch_ms(_extracted_at)' : '_extracted_at';
    const rows = await query(
      kind,
      path,
      `SELECT id, level, _extra, ${extractedAt} AS at FROM events ORDER BY id, level`,
    );
    expect(rows.map(({ id, level, _extra }) => ({ id, level, _extra }))).toEqual([
      { id: 'a', level: null, _extra: '{"level":1}' },
      { id: 'a', level: null, _extra: null },
      { id: 'b', level: 2, _extra: null },
    ]);
    expect(rows.find((row) => row._extra !== null)?.at).toBe(Date.parse('2024-01-02T03:04:05.678Z'));
  });

  it('stops at a line that is not JSON, naming it; the rows before it stay committed', async () => {
    const input = [
      ...lines(usersSchema, user(1, 'ann'), user(2, 'bob'), user(3, 'cy')),
      '{"type": "RECORD", oops',
      ...lines(user(4, 'dee')),
    ];
    const { path, error, echoed } = await load(kind, input);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      'line 5: not valid JSON at character 20 (expected double-quoted property name)',
    );
    expect(echoed).toEqual([]);
    expect(await query(kind, path, 'SELECT id FROM users ORDER BY id')).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ]);
  });

  it('stops at a RECORD whose stream has no SCHEMA yet', async () => {
    const input = lines(usersSchema, user(1, 'ann'), { type: 'RECORD', stream: 'ghosts', record: { id: 1 } });
    const { path, error } = await load(kind, input);
    expect(error).toEqual(new InputError('line 3: RECORD for stream ghosts before its SCHEMA'));
    expect(await query(kind, path, 'SELECT id FROM users')).toEqual([{ id: 1 }]);
  });

  it('names malformed Singer messages', async () => {
    for (const [message, problem] of [
      [{ stream: 'users' }, 'line 1: not a Singer message (no "type")'],
      [
        { type: 'SCHEMA', stream: 'users', schema: {}, key_properties: 'id' },
        'line 1: SCHEMA key_properties must be an array of property names',
      ],
      [{ type: 'RECORD', record: {} }, 'line 1: RECORD without a stream name'],
      [{ type: 'STATE' }, 'line 1: STATE without a value'],
    ] as const) {
      const { error } = await load(kind, lines(message));
      expect((error as Error).message).toBe(problem);
    }
  });
});
