import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { CLI, jsonLines, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';
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
function pipe(kind: string, database: string, statePath?: string): Promise<Piped> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? '' };
    const state = statePath === undefined ? [] : ['--state', statePath];
    const tap = spawn(process.execPath, [SINGER_CLI, '--config', configPath, ...state], { env });
    const load = spawn(process.execPath, [CLI, 'load', '--target', kind, '--database', database], { env });
    const tapOut: string[] = [];
    const loadOut: string[] = [];
    const stderr: string[] = [];
    tap.stdout.on('data', (chunk: Buffer) => {
      tapOut.push(chunk.toString());
      load.stdin.write(chunk);
    });
    tap.stdout.on('end', () => load.stdin.end());
    tap.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    load.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    load.stdout.on('data', (chunk: Buffer) => loadOut.push(chunk.toString()));
    let tapCode: number | null = null;
    tap.on('error', reject);
    load.on('error', reject);
    tap.on('close', (code) => {
      tapCode = code;
    });
    load.on('close', (code) =>
      resolve({
        tapCode,
        loadCode: code,
        tapOut: tapOut.join(''),
        loadOut: loadOut.join(''),
        stderr: stderr.join(''),
      }),
    );
  });
}

const records = (out: string) =>
  jsonLines(out).filter((message) => (message as { type: string }).type === 'RECORD').length;

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
    });
  }
});
