/**
 * Finds the machine tools a few tests drive: Debian's Chromium (the report's browser test; never a
 * downloaded build) and Debian's sqlite3 CLI (the views on an older SQLite than better-sqlite3 bundles).
 * Looked up once, by the global setup. A missing tool skips the tests that need it and prints one line
 * on how to run them; under CI (`CI` set) a missing tool is a failure. Run as a script
 * (`node dist/test/helpers/tool-guard.js`) it prints what the suite would: each tool's path or notice.
 *
 * `DEVIN_TAP_HIDE_TOOLS` (comma-separated names) makes the guard ignore those tools at Debian's paths
 * and on PATH, so `.ci/run` can prove the suite passes on a machine without them.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ToolName = 'chromium' | 'sqlite3';
export type ToolPaths = Record<ToolName, string | null>;

interface ToolSpec {
  /** The variable naming the tool's path; set to a path that is not executable, the tool is absent. */
  variable: string;
  fixed: readonly string[];
  onPath: readonly string[];
  notice: string;
}

export const HIDE_VARIABLE = 'DEVIN_TAP_HIDE_TOOLS';

export const TOOLS: Record<ToolName, ToolSpec> = {
  chromium: {
    variable: 'CHROMIUM_PATH',
    fixed: ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
    onPath: ['chromium', 'chromium-browser'],
    notice:
      'report-browser: Chromium not found, so the browser test did not run; to run it: apt-get install chromium (or set CHROMIUM_PATH), then npx vitest run test/report-browser.test.ts',
  },
  sqlite3: {
    variable: 'SQLITE3_PATH',
    fixed: ['/usr/bin/sqlite3'],
    onPath: ['sqlite3'],
    notice:
      'report-views-old-sqlite: the sqlite3 CLI not found, so the old-SQLite view checks did not run; to run them: apt-get install sqlite3 (or set SQLITE3_PATH), then npx vitest run test/report-views-old-sqlite.test.ts',
  },
};

export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hidden(name: ToolName, env: NodeJS.ProcessEnv): boolean {
  return (env[HIDE_VARIABLE] ?? '').split(',').some((entry) => entry.trim() === name);
}

/** The tool's variable when set; else, unless hidden, the tool's names on PATH, else Debian's paths. */
export function findTool(name: ToolName, env: NodeJS.ProcessEnv): string | null {
  const spec = TOOLS[name];
  const explicit = env[spec.variable];
  if (explicit) return executable(explicit) ? explicit : null;
  if (hidden(name, env)) return null;
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => spec.onPath.map((file) => join(dir, file)));
  return [...onPath, ...spec.fixed].find(executable) ?? null;
}

export interface ToolGuard {
  paths: ToolPaths;
  /** One line per missing tool, saying what did not run and how to run it. */
  notices: string[];
}

/** Under CI (`CI` set) a missing tool throws: every test that needs one is required there. */
export function toolGuard(env: NodeJS.ProcessEnv): ToolGuard {
  const paths = Object.fromEntries(TOOL_NAMES.map((name) => [name, findTool(name, env)])) as ToolPaths;
  const missing = TOOL_NAMES.filter((name) => paths[name] === null);
  if (missing.length > 0 && env.CI)
    throw new Error(`${missing.join(', ')} not found: under CI the tests that need them are required`);
  return { paths, notices: missing.map((name) => TOOLS[name].notice) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const guard = toolGuard(process.env);
    for (const name of TOOL_NAMES) process.stdout.write(`${name}: ${guard.paths[name] ?? 'missing'}\n`);
    for (const notice of guard.notices) process.stdout.write(`${notice}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
