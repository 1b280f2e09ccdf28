import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dialectSql } from '../src/report/dialect.js';
import { VIEW_NAMES } from '../src/report/views.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { CLI, runCli, tempDir, writeJson } from './helpers/run-cli.js';
import { isoWeekMonday } from './report-helpers.js';

/**
 * Debian 12's sqlite3 CLI (3.40): older than %G/%V (3.46), like Python's sqlite3 module there. Found
 * by the global setup; without it the suite printed how to run this file (CI requires it).
 */
const OLD_SQLITE = inject('tools').sqlite3;

function oldSqlite(path: string, sql: string): Record<string, unknown>[] {
  if (OLD_SQLITE === null) throw new Error('no sqlite3 CLI');
  const out = execFileSync(OLD_SQLITE, ['-readonly', '-json', path, sql], { encoding: 'utf8' });
  return out.trim() === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
}

/** ISO 8601 week label of an instant, computed in JS: the week's Thursday gives the year and number. */
function isoWeek(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const thursday = Date.UTC(
    date.getUTCFullYear(),
    date.getUTCMonth(),
    date.getUTCDate() + 3 - ((date.getUTCDay() + 6) % 7),
  );
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Sums of REAL columns may differ in their last bits between SQLite versions (summation order). */
function rounded(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        typeof value === 'number' && !Number.isInteger(value) ? Number(value.toFixed(6)) : value,
      ]),
    ),
  );
}

let sim: Simulator;
let dir: string;
let database: string;

beforeAll(async () => {
  if (OLD_SQLITE === null) return;
  sim = await startSimulator({ seed: 3, sessions: 400, messagesPerSession: 1 });
  dir = tempDir('old-sqlite-');
  database = join(dir, 'devin.sqlite');
  const config = writeJson(dir, 'config.json', sim.config());
  const sync = await runCli(CLI, [
    'sync',
    '--config',
    config,
    '--target',
    'sqlite',
    '--database',
    database,
    '--quiet',
  ]);
  if (sync.code !== 0) throw new Error(`sync failed: ${sync.stderr}`);
});
afterAll(() => sim?.close());

describe.runIf(OLD_SQLITE !== null)(
  `a synced SQLite file opened with ${OLD_SQLITE} (the sqlite3 CLI)`,
  () => {
    it('knows %V exactly from SQLite 3.46 on: the views must not rely on it', () => {
      const [row] = oldSqlite(
        ':memory:',
        "SELECT sqlite_version() AS v, strftime('%V', '2025-01-01') AS week",
      );
      const [major, minor] = String(row?.v).split('.').map(Number);
      expect(major, String(row?.v)).toBe(3);
      // Debian 12 (CI) has 3.40, where %V gives NULL; a newer CLI still checks every view below.
      expect(row?.week, String(row?.v)).toBe((minor ?? 0) < 46 ? null : '01');
    });

    it('computes ISO weeks and week starts right for every day around eleven new years', () => {
      const sql = dialectSql('sqlite');
      const days: number[] = [];
      for (let year = 2015; year <= 2026; year += 1) {
        for (let offset = -10; offset <= 10; offset += 1)
          days.push(Date.UTC(year, 0, 1 + offset) / 1000 + 13 * 3600);
      }
      const values = days.map((t) => `(${t})`).join(', ');
      const rows = oldSqlite(
        ':memory:',
        `SELECT t, ${sql.isoWeek('t')} AS iso_week, ${sql.weekStart('t')} AS week_start, ${sql.day('t')} AS day
       FROM (SELECT column1 AS t FROM (VALUES ${values}) UNION ALL SELECT NULL) ORDER BY t`,
      );
      expect(rows[0]).toEqual({ t: null, iso_week: null, week_start: null, day: null });
      expect(rows.slice(1)).toEqual(
        days.map((t) => ({
          t,
          iso_week: isoWeek(t),
          week_start: isoWeekMonday(t),
          day: new Date(t * 1000).toISOString().slice(0, 10),
        })),
      );
      expect(new Set(rows.map((row) => row.iso_week))).toContain('2020-W53');
    });

    it('gives every view the rows the bundled SQLite gives, and the weeks computed here', () => {
      const bundled = new Database(database, { readonly: true });
      try {
        for (const view of VIEW_NAMES) {
          const order = `ORDER BY ${bundled
            .prepare(`SELECT * FROM ${view}`)
            .columns()
            .map((_, i) => i + 1)
            .join(', ')}`;
          const old = oldSqlite(database, `SELECT * FROM ${view} ${order}`);
          const fresh = bundled.prepare(`SELECT * FROM ${view} ${order}`).all();
          expect(old.length, view).toBeGreaterThan(0);
          expect(rounded(old), view).toEqual(rounded(fresh as Record<string, unknown>[]));
        }
        const sessions = bundled.prepare('SELECT session_id, created_at FROM sessions').all() as {
          session_id: string;
          created_at: number;
        }[];
        expect(sessions).toHaveLength(400);
        const facts = oldSqlite(
          database,
          'SELECT session_id, created_date, created_week, iso_week FROM session_facts',
        );
        const byId = new Map(facts.map((row) => [row.session_id, row]));
        const years = new Set<string>();
        for (const { session_id, created_at } of sessions) {
          const want = {
            session_id,
            created_date: new Date(created_at * 1000).toISOString().slice(0, 10),
            created_week: isoWeekMonday(created_at),
            iso_week: isoWeek(created_at),
          };
          expect(byId.get(session_id)).toEqual(want);
          years.add(want.iso_week.slice(0, 4));
        }
        expect(years.size).toBeGreaterThanOrEqual(3); // the data spans new years

        const weeks = oldSqlite(
          database,
          'SELECT week_start, iso_week, sum(sessions) AS n FROM acu_by_week GROUP BY 1, 2',
        );
        const expected = new Map<string, number>();
        for (const { created_at } of sessions) {
          const key = `${isoWeekMonday(created_at)} ${isoWeek(created_at)}`;
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        expect(new Map(weeks.map((w) => [`${w.week_start} ${w.iso_week}`, Number(w.n)]))).toEqual(expected);
        const [nulls] = oldSqlite(
          database,
          'SELECT count(*) AS n FROM pr_outcomes WHERE iso_week IS NULL OR created_week IS NULL',
        );
        expect(nulls?.n).toBe(0);
      } finally {
        bundled.close();
      }
    });
  },
);
