import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { STREAMS } from '../src/tap/streams/index.js';
import { CLI, jsonLines, pipeCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';
import { KINDS, query } from './targets-helpers.js';

let sim: Simulator;
let dir: string;
let configPath: string;

beforeAll(async () => {
  sim = await startSimulator({ sessions: 30, messagesPerSession: 2, seed: 11 });
  dir = tempDir('tap-devin-meltano-');
  configPath = writeJson(dir, 'config.json', { ...sim.config(), page_size: 10 });
});
afterAll(() => sim.close());

interface Piped {
  tapCode: number | null;
  loadCode: number | null;
  /** What tap-devin wrote: the Singer messages load read. */
  tapOut: string;
  /** What load wrote: one state value per line. */
  loadOut: string;
  stderr: string;
}

/** `tap-devin --config c [--state s] | devin-tap load ...`, as `meltano run` wires them. */
async function pipe(kind: string, database: string, statePath?: string): Promise<Piped> {
  const state = statePath === undefined ? [] : ['--state', statePath];
  const { tap, load } = await pipeCli(
    { script: SINGER_CLI, args: ['--config', configPath, ...state] },
    { script: CLI, args: ['load', '--target', kind, '--database', database] },
  );
  return {
    tapCode: tap.code,
    loadCode: load.code,
    tapOut: tap.stdout,
    loadOut: load.stdout,
    stderr: tap.stderr + load.stderr,
  };
}

/**
 * Streams a rerun reads again by design: windowed consumption (its trailing days may still change),
 * their children, and streams without a cursor (members). Every other stream is a pure bookmark.
 */
const REREAD = new Set(
  STREAMS.filter(
    (def) => def.paging !== undefined || def.parent?.reread === 'every' || def.cursorField === null,
  ).map((def) => def.name),
);

/** RECORDs of the bookmarked streams (all of them on a first run). */
const records = (out: string) =>
  jsonLines(out).filter((message) => {
    const { type, stream } = message as { type: string; stream: string };
    return type === 'RECORD' && !REREAD.has(stream);
  }).length;

describe('the Meltano state loop: tap-devin | devin-tap load, its last line as the next --state', () => {
  for (const kind of KINDS) {
    it(`starts the next run where the last ended, with no records for an unchanged organization (${kind})`, async () => {
      const database = join(dir, `loop.${kind}`);
      const first = await pipe(kind, database);
      expect(first.tapCode, first.stderr).toBe(0);
      expect(first.loadCode, first.stderr).toBe(0);
      expect(records(first.tapOut)).toBeGreaterThan(30);

      // A Singer target prints each STATE's value itself, one JSON line per state.
      const values = jsonLines(first.loadOut);
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(Object.keys(value as object)).toEqual(['bookmarks']);
      const tapStates = jsonLines(first.tapOut).filter((m) => (m as { type: string }).type === 'STATE');
      expect(values).toEqual(tapStates.map((m) => (m as { value: unknown }).value));

      // Meltano keeps the last line and passes it to the tap's --state.
      const statePath = join(dir, `state-${kind}.json`);
      writeFileSync(statePath, first.loadOut.trimEnd().split('\n').at(-1) ?? '');
      const second = await pipe(kind, database, statePath);
      expect(second.tapCode, second.stderr).toBe(0);
      expect(second.loadCode, second.stderr).toBe(0);
      expect(records(second.tapOut)).toBe(0);
      expect(jsonLines(second.loadOut).length).toBeGreaterThan(0);

      // A third run, on the second's last line, is as quiet: the state carries over.
      writeFileSync(statePath, second.loadOut.trimEnd().split('\n').at(-1) ?? '');
      const third = await pipe(kind, database, statePath);
      expect(third.tapCode, third.stderr).toBe(0);
      expect(records(third.tapOut)).toBe(0);

      const [count] = await query(kind, database, 'SELECT count(*) AS n FROM sessions');
      expect(Number(count?.n)).toBe(30);
      expect(REREAD.has('sessions')).toBe(false);
    });
  }
});
