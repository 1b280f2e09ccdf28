import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import {
  batchLimitMb,
  defaultMemoryLimit,
  machineCeilingMb,
  parseMemoryLimit,
} from '../src/targets/duckdb/memory.js';
import { openTarget } from '../src/targets/open-target.js';
import { CLI, runCli } from './helpers/run-cli.js';
import { configFile, expectTablesEqualSimulator, runSync, syncArgs } from './sync-helpers.js';
import { dbPath, query, tempDir } from './targets-helpers.js';

const dir = tempDir();
const GB = 1024 ** 3;
const FIFTY_MB = 50 * 1024 * 1024;
/** What failed with the old fixed 128MB limit (and every rerun after it). */
// 60 MB: a first load inserts without an upsert, and a 45 MB value fits in 100MB that way.
const SIXTY_MB = 60 * 1024 * 1024;

const schemaLine = (stream: string, properties: object, keys: string[]) =>
  JSON.stringify({ type: 'SCHEMA', stream, key_properties: keys, schema: { type: 'object', properties } });
const recordLine = (stream: string, record: object) => JSON.stringify({ type: 'RECORD', stream, record });

describe('DuckDB memory limit', () => {
  it('defaults to 64MB, raised for a batch of large values or many columns up to a quarter of the machine', () => {
    expect(defaultMemoryLimit()).toBe('64MB');
    const MB = 1024 * 1024;
    // A full batch (16 MB of text, 20 columns) needs a little more than the base.
    expect(batchLimitMb(16 * MB, 20, 4096)).toBe(80);
    expect(batchLimitMb(50 * MB, 2, 4096)).toBe(144);
    expect(batchLimitMb(10 * MB, 1001, 4096)).toBe(560);
    expect(batchLimitMb(GB, 2, 1024)).toBe(1024);
    expect(machineCeilingMb(1 * GB)).toBe(512);
    expect(machineCeilingMb(8 * GB)).toBe(2048);
    expect(machineCeilingMb(64 * GB)).toBe(4096);
  });

  it('takes a size a user gives and refuses anything else, naming the source', () => {
    expect(parseMemoryLimit(' 2GB ', '--memory-limit')).toBe('2GB');
    expect(parseMemoryLimit('1.5GiB', 'x')).toBe('1.5GiB');
    expect(() => parseMemoryLimit('lots', '--memory-limit')).toThrow(
      '--memory-limit must be a size such as 512MB or 2GB (got "lots")',
    );
    expect(() => parseMemoryLimit('10MB', '--memory-limit')).toThrow('--memory-limit must be at least 64MB');
  });

  it('loads a 50 MB message and a 1,000-property schema with the default limit', async () => {
    const path = dbPath(dir, 'duckdb');
    const target = await openTarget('duckdb', path);
    const properties: JsonObject = { id: { type: 'string' } };
    for (let i = 0; i < 1000; i += 1) properties[`p${i}`] = { type: i % 2 === 0 ? 'string' : 'integer' };
    const wide = Array.from({ length: 100 }, (_, row) => {
      const record: Record<string, string | number> = { id: `r${row}` };
      for (let i = 0; i < 1000; i += 1) record[`p${i}`] = i % 2 === 0 ? `v${row}-${i}` : row * i;
      return record;
    });
    try {
      await target.prepare([
        {
          name: 'messages',
          schema: { type: 'object', properties: { id: { type: 'string' }, body: { type: 'string' } } },
          keys: ['id'],
        },
        { name: 'wide', schema: { type: 'object', properties }, keys: ['id'] },
      ]);
      await target.write('messages', [{ id: 'big', body: 'é'.repeat(FIFTY_MB / 2) }]);
      await target.write('wide', wide);
      await target.checkpoint({});
    } finally {
      await target.close();
    }
    const [message] = await query(
      'duckdb',
      path,
      'SELECT length(body) AS n, strlen(body) AS bytes FROM messages',
    );
    expect(message).toEqual({ n: FIFTY_MB / 2, bytes: FIFTY_MB });
    const [row] = await query(
      'duckdb',
      path,
      'SELECT count(*) AS n, max(p999) AS last, max(p998) AS text FROM wide',
    );
    expect(row).toEqual({ n: 100, last: 99 * 999, text: 'v99-998' });
    expect(existsSync(`${path}.tmp`)).toBe(false); // the spill directory is gone after close
  });

  it('an out-of-memory batch says how to get out, and the rerun with more memory finishes', async () => {
    const path = dbPath(dir, 'duckdb');
    const input = [
      schemaLine('notes', { id: { type: 'integer' }, body: { type: 'string' } }, ['id']),
      recordLine('notes', { id: 1, body: 'small' }),
      JSON.stringify({ type: 'STATE', value: { bookmarks: { notes: 1 } } }),
      recordLine('notes', { id: 2, body: 'x'.repeat(SIXTY_MB) }),
      JSON.stringify({ type: 'STATE', value: { bookmarks: { notes: 2 } } }),
    ].join('\n');
    const args = ['load', '--target', 'duckdb', '--database', path];
    const starved = await runCli(CLI, [...args, '--memory-limit', '100MB'], { input });
    expect(starved.code).toBe(1);
    expect(starved.stderr).toContain('DuckDB ran out of memory (memory limit 100MB)');
    expect(starved.stderr).toContain('Rerun with a higher --memory-limit');
    expect(starved.stderr).not.toContain('xxxx');
    expect(starved.stdout).toBe('{"bookmarks":{"notes":1}}\n');
    expect(await query('duckdb', path, 'SELECT id FROM notes')).toEqual([{ id: 1 }]);

    const rerun = await runCli(CLI, [...args, '--memory-limit', '1GB'], { input });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await query('duckdb', path, 'SELECT id, length(body) AS n FROM notes ORDER BY id')).toEqual([
      { id: 1, n: 5 },
      { id: 2, n: SIXTY_MB },
    ]);
    const bad = await runCli(CLI, [...args, '--memory-limit', 'plenty'], { input });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('devin-tap: --memory-limit must be a size such as 512MB or 2GB (got "plenty")\n');
  });

  it('a sync whose one message outgrows the memory limit says what to raise; the rerun with it is exact', async () => {
    // An 80 MB message is one batch on its own, beyond the smallest limit a user may set (64MB).
    const sim = await startSimulator({
      sessions: 4,
      messagesPerSession: 2,
      seed: 9,
      hostile: { bigMessageMb: 80 },
    });
    const streams = ['sessions', 'session_messages'];
    try {
      const path = dbPath(dir, 'duckdb');
      const args = syncArgs(configFile(dir, sim), 'duckdb', path, streams.join(','));
      const starved = await runSync([...args, '--memory-limit', '64MB']);
      expect(starved.code, starved.stderr).toBe(1);
      expect(starved.stderr).toContain('DuckDB ran out of memory (memory limit 64MB)');
      expect(starved.stderr).toContain('Rerun with a higher --memory-limit');
      const rerun = await runSync([...args, '--memory-limit', '1GB']);
      expect(rerun.code, rerun.stderr).toBe(0);
      await expectTablesEqualSimulator('duckdb', path, sim, streams);
    } finally {
      await sim.close();
    }
  });
});
