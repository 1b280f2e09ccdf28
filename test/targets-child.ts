import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCES = ['src/tap/errors.ts', 'src/tap/json.ts', 'src/tap/state/state.ts', 'src/tap/timestamps.ts'];
const TARGET_FILES = [
  'column-types',
  'database-file',
  'fresh-keys',
  'duckdb-batch',
  'duckdb-catalog',
  'duckdb-errors',
  'duckdb-memory',
  'duckdb-target',
  'open-target',
  'owned-objects',
  'rows',
  'runs-table',
  'sql',
  'sqlite-errors',
  'sqlite-statements',
  'sqlite-target',
  'state-rows',
  'table-layout',
  'target',
  'time-migration',
  'watched-target',
];

/** Transpiles the target modules into `dir` so that a plain `node` child process can import them. */
export function compileTargets(dir: string): string {
  for (const file of [...SOURCES, ...TARGET_FILES.map((name) => `src/targets/${name}.ts`)]) {
    const output = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const out = join(dir, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, output);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'src/targets/open-target.js');
}

/** Starts `node` on a module script; resolves once it prints a line starting with `ready`. */
export function startChild(
  dir: string,
  script: string,
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const file = join(dir, `child-${Date.now()}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, script);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolvePromise, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolvePromise({ child, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before ready: ${err}`)));
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) resolvePromise();
    else child.on('exit', () => resolvePromise());
  });
}
