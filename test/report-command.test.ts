import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../src/report/command.js';
import { detectFormat } from '../src/report/database.js';
import { viewStatements } from '../src/report/views.js';
import { writeReport } from '../src/report/write-report.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { InputError } from '../src/tap/errors.js';
import { tempDir } from './helpers/temp-dir.js';
import { syncDatabase, withDatabase } from './report-helpers.js';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, sessions: 40, messagesPerSession: 2 });
  dir = tempDir('report-command-');
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('bad input', () => {
  it('a missing file, a directory, an empty file and a text file are clear InputErrors', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'SQLite format 2, or so they said\n');
    const empty = join(dir, 'empty.duckdb');
    writeFileSync(empty, '');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const cases: [string, RegExp][] = [
      [join(dir, 'nope.duckdb'), /^database not found: .*nope\.duckdb$/],
      [folder, /^not a database file: .*folder is a directory/],
      [empty, /^not a DuckDB or SQLite database: .*empty\.duckdb \(the file is empty\)$/],
      [text, /^not a DuckDB or SQLite database: .*notes\.txt \(write one with `devin-tap sync`\)$/],
    ];
    for (const [database, message] of cases) {
      const out = join(dir, 'never.html');
      const error = await writeReport({ database, out }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('--since must be a real YYYY-MM-DD date, checked before the database is opened', async () => {
    for (const since of ['2025-02-30', '2025-1-6', 'last week', '']) {
      const error = await writeReport({
        database: join(dir, 'nope.duckdb'),
        out: join(dir, 'x.html'),
        since,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(`--since must be a date as YYYY-MM-DD, got "${since}"`);
    }
  });
});

describe('dates and price', () => {
  it('--until must be a date too, and not before --since', async () => {
    const database = join(dir, 'nope.duckdb');
    const out = join(dir, 'x.html');
    const bad = await writeReport({ database, out, until: '2025-04-31' }).catch((e: unknown) => e);
    expect((bad as Error).message).toBe('--until must be a date as YYYY-MM-DD, got "2025-04-31"');
    const reversed = await writeReport({ database, out, since: '2025-05-02', until: '2025-05-01' }).catch(
      (e: unknown) => e,
    );
    expect(reversed).toBeInstanceOf(InputError);
    expect((reversed as Error).message).toBe('--until (2025-05-01) is before --since (2025-05-02)');
  });

  it('--acu-price must be a positive number; acu_price_usd in a config file is checked the same way', async () => {
    const database = join(dir, 'nope.duckdb');
    const out = join(dir, 'x.html');
    for (const acuPrice of ['0', '-1', 'two', '', 'Infinity']) {
      const error = await writeReport({ database, out, acuPrice }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(
        `--acu-price must be a positive number of US dollars per ACU, got "${acuPrice}"`,
      );
    }
    const config = join(dir, 'price.json');
    writeFileSync(config, JSON.stringify({ api_token: 'cog_secret', acu_price_usd: [2] }));
    const error = await writeReport({ database, out, configPaths: [config] }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `"acu_price_usd" in ${config} must be a positive number of US dollars per ACU, got [2]`,
    );
    const missing = await writeReport({ database, out, configPaths: [join(dir, 'none.json')] }).catch(
      (e: unknown) => e,
    );
    expect((missing as Error).message).toMatch(/^Config file ".*none\.json" does not exist$/);
  });

  it('takes the price from the config unless --acu-price is given, and bounds the data by --since/--until', async () => {
    const database = join(dir, 'bounded.sqlite');
    await syncDatabase('sqlite', database, sim, ['sessions']);
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ api_token: 'cog_secret', org_id: 'org-1', acu_price_usd: 1.5 }));
    const out = join(dir, 'bounded.html');
    const fromConfig = await writeReport({ database, out, configPaths: [config] });
    expect(fromConfig.meta.price).toBe(1.5);
    expect(readFileSync(out, 'utf8')).not.toContain('cog_secret');
    expect((await writeReport({ database, out, configPaths: [config], acuPrice: '3' })).meta.price).toBe(3);
    const days = [...sim.sessions()]
      .map((s) => Math.floor(Number(s.created_at) / 86_400))
      .sort((a, b) => a - b);
    const [since, until] = [days[10] ?? 0, days[29] ?? 0];
    const text = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
    const bounded = await writeReport({ database, out, since: text(since), until: text(until) });
    expect(bounded.sessions.id.length).toBe(days.filter((d) => d >= since && d <= until).length);
    expect(Math.min(...bounded.sessions.day)).toBe(since);
    expect(Math.max(...bounded.sessions.day)).toBe(until);
    expect(bounded.meta).toMatchObject({ since: text(since), until: text(until), price: null });
  });
});

describe.each(['duckdb', 'sqlite'] as const)('report on %s', (dialect) => {
  it('detects the format from the header, whatever the file is called', async () => {
    const path = join(dir, `misnamed-${dialect}.db`);
    await syncDatabase(dialect, path, sim, ['sessions']);
    expect(await detectFormat(path)).toBe(dialect);
  });

  // A SQLite reader of a WAL-mode file creates the (empty) -wal and -shm files if they are missing: that
  // is SQLite's own protocol for readers, and no data is written.
  it('never writes to the database: same bytes, no data in side files, the file keeps its own views', async () => {
    const path = join(dir, `readonly.${dialect}`);
    await syncDatabase(dialect, path, sim, ['sessions', 'sessions_insights']);
    await withDatabase(
      dialect,
      path,
      viewStatements(dialect, new Set(['sessions', 'sessions_insights'])),
      async () => {},
    );
    const before = sha256(path);
    const files = readdirSync(dir).sort();
    const data = await writeReport({
      database: path,
      out: join(dir, `readonly-${dialect}.html`),
      since: '2000-01-01',
    });
    expect(data.sessions.id.length).toBe(40);
    expect(sha256(path)).toBe(before);
    const added = readdirSync(dir).filter((file) => !files.includes(file));
    const sideFiles = dialect === 'sqlite' ? [`readonly.sqlite-shm`, `readonly.sqlite-wal`] : [];
    expect(added.filter((file) => !sideFiles.includes(file))).toEqual([`readonly-${dialect}.html`]);
    if (added.includes('readonly.sqlite-wal'))
      expect(statSync(join(dir, 'readonly.sqlite-wal')).size).toBe(0);
    await withDatabase(dialect, path, [], async (query) => {
      const [row] = await query('SELECT count(*) AS n FROM session_facts');
      expect(Number(row?.n)).toBe(40);
    });
  });
});

describe('reportCommand', () => {
  it('writes the report, prints its path on stdout, exits 0', async () => {
    const database = join(dir, 'cli.duckdb');
    await syncDatabase('duckdb', database, sim, ['sessions']);
    const out = join(dir, 'cli.html');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await reportCommand().parseAsync(['--database', database, '--out', out], { from: 'user' });
    expect(process.exitCode).toBe(0);
    expect(stdout.mock.calls.map((c) => String(c[0]))).toEqual([`${out}\n`]);
    expect(String(stderr.mock.calls[0]?.[0])).toBe('devin-tap report: 40 sessions\n');
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('reports a user error on stderr, without a stack trace, and exits 1', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const database = join(dir, 'missing.sqlite');
    await reportCommand().parseAsync(['--database', database, '--since', '2025-13-01'], { from: 'user' });
    expect(process.exitCode).toBe(1);
    expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual([
      'devin-tap: --since must be a date as YYYY-MM-DD, got "2025-13-01"\n',
    ]);
  });
});
