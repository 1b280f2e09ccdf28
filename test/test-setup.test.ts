/** The suite on a machine without Chromium: the browser guard says how to run that test; CI fails. */
import { delimiter, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
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
