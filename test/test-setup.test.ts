/** The suite on a machine without Chromium: the browser guard says how to run that test; CI fails. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleSource } from './global-setup.js';
import { BROWSER_NOTICE } from './helpers/browser-guard.js';
import { runCli } from './helpers/run-cli.js';

const GUARD = resolve('dist/test/helpers/browser-guard.js');
const VITEST = resolve('node_modules/vitest/vitest.mjs');
/** No browser on PATH and none at Debian's paths (the CLI helper starts node by its full path). */
const NO_BROWSER = { PATH: '/nonexistent', DEVIN_TAP_CHROMIUM_PATHS: '' };

describe('browser guard', () => {
  it('without Chromium: one line saying how to run the browser test, exit 0', async () => {
    const run = await runCli(GUARD, [], { env: NO_BROWSER });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${BROWSER_NOTICE}\n`);
    expect(BROWSER_NOTICE).not.toContain('\n');
  });

  it('under CI a missing Chromium is a failure', async () => {
    const run = await runCli(GUARD, [], { env: { ...NO_BROWSER, CI: '1' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('under CI the report browser test is required');
  });

  it('finds chromium on PATH', async () => {
    const run = await runCli(GUARD, [], {
      env: { PATH: ['/nonexistent', '/usr/bin'].join(delimiter), DEVIN_TAP_CHROMIUM_PATHS: '' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('/usr/bin/chromium\n');
  });

  it('the suite passes without a browser, printing the notice once', async () => {
    // The outer run's setup already built dist/: no second build while other tests run it.
    const env = { ...NO_BROWSER, DEVIN_TAP_SKIP_BUILD: '1' };
    const run = await runCli(VITEST, ['run', 'test/report-browser.test.ts'], { env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout.split(BROWSER_NOTICE).length - 1).toBe(1);
  });
});

describe('global setup', () => {
  it('finds a source newer than its compiled file, or a missing one; none when dist/ is fresh', () => {
    const root = mkdtempSync(join(tmpdir(), 'stale-'));
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
