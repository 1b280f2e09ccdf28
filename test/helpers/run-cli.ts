/**
 * The child-process runners of the suite: a built CLI run to its end (`runCli`), started and driven
 * by events (`startCli`), or two piped as a shell would (`pipeCli`, the tap-to-load pipe).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export { tempDir } from './temp-dir.js';

export const CLI = resolve('dist/src/cli.js');
export const SINGER_CLI = resolve('dist/src/singer-cli.js');

export interface CliResult {
  code: number | null;
  /** The signal that ended the child, when one did. */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
}

export interface StartedCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when the child has exited and its output is closed. */
  ended: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves as soon as the child's stdout (or stderr) holds `text`; rejects when the child ends
   * first, or after `timeoutMs` (a deadline, never a pace).
   */
  waitFor(text: string | RegExp, from?: 'stdout' | 'stderr', timeoutMs?: number): Promise<void>;
}

/**
 * Starts a built CLI as a child process, its stdin left open. Asynchronous on purpose: the simulator
 * serving it lives in this test process, so a synchronous spawn would deadlock.
 */
export function startCli(script: string, args: readonly string[], options: RunOptions = {}): StartedCli {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const text = (from: 'stdout' | 'stderr') => Buffer.concat(out[from]).toString('utf8');
  child.stdout.on('data', (chunk: Buffer) => out.stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => out.stderr.push(chunk));
  // A child that exits before reading all of its input (a refused flag) must not fail the test.
  child.stdin.on('error', () => undefined);
  const ended = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolvePromise({ code, signal, stdout: text('stdout'), stderr: text('stderr') }),
    );
  });
  const waitFor = (wanted: string | RegExp, from: 'stdout' | 'stderr' = 'stdout', timeoutMs = 30_000) =>
    new Promise<void>((resolvePromise, reject) => {
      const found = () =>
        typeof wanted === 'string' ? text(from).includes(wanted) : wanted.test(text(from));
      const stop = (error?: Error) => {
        clearTimeout(deadline);
        child[from].off('data', check);
        child.off('close', closed);
        if (error) reject(error);
        else resolvePromise();
      };
      const check = () => (found() ? stop() : undefined);
      const closed = () => stop(found() ? undefined : new Error(`the child ended before printing ${wanted}`));
      const deadline = setTimeout(() => stop(new Error(`no ${wanted} within ${timeoutMs} ms`)), timeoutMs);
      child[from].on('data', check);
      child.on('close', closed);
      check();
    });
  return { child, ended, stdout: () => text('stdout'), stderr: () => text('stderr'), waitFor };
}

/** Runs a built CLI to its end, `input` on its stdin. */
export function runCli(
  script: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  const started = startCli(script, args, options);
  started.child.stdin.end(options.input ?? '');
  return started.ended;
}

/** Runs any command as runCli runs a CLI (a container engine, an installed bin). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      cwd: options.cwd ?? process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    // A child that exits before reading all of its input (a refused flag) must not fail the test.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export interface PipedCli {
  tap: CliResult;
  load: CliResult;
}

/**
 * `tap ARGS | load ARGS`, as a shell (or `meltano run`) wires them: the first CLI's stdout into the
 * second's stdin. Each result keeps its own stdout (the tap's is what the load read).
 */
export async function pipeCli(
  tap: { script: string; args: readonly string[] },
  load: { script: string; args: readonly string[] },
  options: Omit<RunOptions, 'input'> = {},
): Promise<PipedCli> {
  const first = startCli(tap.script, tap.args, options);
  const second = startCli(load.script, load.args, options);
  first.child.stdin.end();
  first.child.stdout.pipe(second.child.stdin);
  const [tapResult, loadResult] = await Promise.all([first.ended, second.ended]);
  return { tap: tapResult, load: loadResult };
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

export function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as unknown);
}
