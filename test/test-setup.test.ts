/**
 * The suite on a bare machine: without Chromium or the sqlite3 CLI the tool guard skips what needs them
 * with one line each on how to run it; under CI a missing tool is a failure.
 */
import { chmodSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleSource } from './global-setup.js';
import { runCli, tempDir } from './helpers/run-cli.js';
import { HIDE_VARIABLE, TOOL_NAMES, TOOLS } from './helpers/tool-guard.js';

const GUARD = resolve('dist/test/helpers/tool-guard.js');
const VITEST = resolve('node_modules/vitest/vitest.mjs');
/** No tool anywhere: hidden at Debian's paths and on PATH (the CLI helper starts node by its full path). */
const NO_TOOLS = { PATH: '/nonexistent', [HIDE_VARIABLE]: TOOL_NAMES.join(',') };

/** A directory holding an executable file for each name: a tool the guard can find. */
function fakeTools(names: readonly string[]): string {
  const dir = tempDir('fake-tools-');
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('tool guard', () => {
  it('without the tools: one line per tool saying how to run what it skipped, exit 0', async () => {
    const run = await runCli(GUARD, [], { env: NO_TOOLS });
    expect(run.code).toBe(0);
    const notices = TOOL_NAMES.map((name) => TOOLS[name].notice);
    expect(run.stdout).toBe(
      [...TOOL_NAMES.map((name) => `${name}: missing`), ...notices].map((line) => `${line}\n`).join(''),
    );
    for (const notice of notices) expect(notice).toMatch(/^[^\n]+ to run (it|them): .*npx vitest run test\//);
  });

  it('under CI a missing tool is a failure', async () => {
    const run = await runCli(GUARD, [], { env: { ...NO_TOOLS, CI: '1' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${TOOL_NAMES.join(', ')} not found: under CI the tests that need them are required\n`,
    );
  });

  it('finds each tool on PATH; the hide variable and a path variable pointing nowhere hide it', async () => {
    const dir = fakeTools(['chromium', 'sqlite3']);
    const found = await runCli(GUARD, [], { env: { PATH: dir } });
    expect(found.stdout).toBe(`chromium: ${join(dir, 'chromium')}\nsqlite3: ${join(dir, 'sqlite3')}\n`);
    const hidden = await runCli(GUARD, [], { env: { PATH: dir, [HIDE_VARIABLE]: 'sqlite3' } });
    expect(hidden.stdout).toBe(
      `chromium: ${join(dir, 'chromium')}\nsqlite3: missing\n${TOOLS.sqlite3.notice}\n`,
    );
    const nowhere = await runCli(GUARD, [], { env: { PATH: dir, CHROMIUM_PATH: join(dir, 'none') } });
    expect(nowhere.stdout).toBe(
      `chromium: missing\nsqlite3: ${join(dir, 'sqlite3')}\n${TOOLS.chromium.notice}\n`,
    );
    const named = await runCli(GUARD, [], { env: { ...NO_TOOLS, SQLITE3_PATH: join(dir, 'sqlite3') } });
    expect(named.stdout).toContain(`sqlite3: ${join(dir, 'sqlite3')}\n`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the files that need the tools pass without them, each notice printed once', async () => {
    // The outer run's setup already built dist/: no second build while other tests run it.
    const env = { ...NO_TOOLS, DEVIN_TAP_SKIP_BUILD: '1' };
    const files = ['test/report-browser.test.ts', 'test/report-views-old-sqlite.test.ts'];
    const run = await runCli(VITEST, ['run', ...files], { env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const name of TOOL_NAMES) expect(run.stdout.split(TOOLS[name].notice).length - 1, name).toBe(1);
    expect(run.stdout).toMatch(/\d+ skipped/);
    expect(run.stdout).not.toMatch(/\d+ passed/);
  });
});

describe('global setup', () => {
  it('finds a source newer than its compiled file, or a missing one; none when dist/ is fresh', () => {
    const root = tempDir('stale-');
    for (const dir of ['src', 'test', 'bench', 'scripts', 'dist/src'])
      mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'src/a.ts'), 'export {};');
    expect(staleSource(root)).toBe(join('src', 'a.ts'));
    writeFileSync(join(root, 'dist/src/a.js'), 'export {};');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'src/a.ts'), old, old);
    expect(staleSource(root)).toBeNull();
    utimesSync(
      join(root, 'dist/src/a.js'),
      new Date(old.getTime() - 60_000),
      new Date(old.getTime() - 60_000),
    );
    expect(staleSource(root)).toBe(join('src', 'a.ts'));
    rmSync(root, { recursive: true, force: true });
  });
});
