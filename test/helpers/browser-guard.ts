/**
 * Finds the Chromium the report's browser test drives (Debian's package; never a downloaded build).
 * Without one, the suite still passes and says in one line how to run that test; under CI a missing
 * browser is a failure. Run as a script (`node dist/test/helpers/browser-guard.js`) it prints what the
 * suite would: the browser's path, or the notice.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const PATH_NAMES = ['chromium', 'chromium-browser'];

export const BROWSER_NOTICE =
  'report-browser: Chromium not found, so the browser test did not run; to run it: apt-get install chromium (or set CHROMIUM_PATH), then npm test';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `CHROMIUM_PATH` when set; else Debian's paths (`DEVIN_TAP_CHROMIUM_PATHS`, a PATH-style list,
 * replaces them: tests use it to pretend there is none), else `chromium` on PATH.
 */
export function findChromium(env: NodeJS.ProcessEnv): string | null {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  const fixed = env.DEVIN_TAP_CHROMIUM_PATHS?.split(delimiter).filter(Boolean) ?? DEFAULT_PATHS;
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => PATH_NAMES.map((name) => join(dir, name)));
  return [...fixed, ...onPath].find(executable) ?? null;
}

export interface BrowserGuard {
  chromium: string | null;
  notice: string | null;
}

/** Under CI (`CI` set) a missing browser throws: the browser test is required there. */
export function browserGuard(env: NodeJS.ProcessEnv): BrowserGuard {
  const chromium = findChromium(env);
  if (chromium !== null) return { chromium, notice: null };
  if (env.CI) throw new Error('Chromium not found: under CI the report browser test is required');
  return { chromium: null, notice: BROWSER_NOTICE };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const guard = browserGuard(process.env);
    process.stdout.write(`${guard.notice ?? guard.chromium}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
