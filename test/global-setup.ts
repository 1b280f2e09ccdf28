/**
 * Runs once before the suite: rebuilds dist/ when any source is newer than its compiled file (CLI tests
 * run dist/, so no test runs stale code, whether started by `npm test` or a plain `npx vitest`), and
 * finds the machine tools some tests drive (Chromium, the sqlite3 CLI), once.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findEngine } from '../scripts/image/engine.js';
import { type BackgroundBuild, startImageBuild } from './helpers/image-build.js';
import { type ToolPaths, toolGuard } from './helpers/tool-guard.js';

const ROOT = join(import.meta.dirname, '..');
const SOURCE_DIRS = ['src', 'test', 'bench', 'scripts'];

declare module 'vitest' {
  export interface ProvidedContext {
    tools: ToolPaths;
    imageBuild: BackgroundBuild | null;
  }
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The first source whose compiled file is missing or older, or null when dist/ is up to date. */
export function staleSource(root: string): string | null {
  for (const dir of SOURCE_DIRS) {
    for (const source of sources(join(root, dir))) {
      const compiled = join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js');
      const built = statSync(compiled, { throwIfNoEntry: false });
      if (!built || built.mtimeMs < statSync(source).mtimeMs) return relative(root, source);
    }
  }
  return null;
}

export default function setup(project: TestProject): () => void {
  const stale = process.env.DEVIN_TAP_SKIP_BUILD ? null : staleSource(ROOT);
  if (stale !== null) {
    process.stdout.write(`global setup: ${stale} is newer than dist/; building\n`);
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  const guard = toolGuard(process.env);
  for (const notice of guard.notices) process.stdout.write(`${notice}\n`);
  project.provide('tools', guard.paths);
  // Under CI the Airbyte image builds in the background while the suite runs (test/image.test.ts waits).
  const early =
    process.env.CI && !process.env.DEVIN_TAP_IMAGE && findEngine(process.env)
      ? startImageBuild(process.env)
      : null;
  project.provide('imageBuild', early?.build ?? null);
  return () => early?.stop();
}
