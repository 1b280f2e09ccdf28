import { spawn } from 'node:child_process';
import { CLI, SINGER_CLI } from './run-cli.js';

export interface PipeResult {
  tapCode: number | null;
  loadCode: number | null;
  /** What `load` echoed (the Singer states it committed). */
  stdout: string;
  /** Both processes' stderr. */
  stderr: string;
  /** `load`'s stderr alone (its summary). */
  loadStderr: string;
}

/** `tap-devin <tapArgs> | devin-tap load <loadArgs>`, as a shell would run it. */
export function pipeTapIntoLoad(
  tapArgs: readonly string[],
  loadArgs: readonly string[],
): Promise<PipeResult> {
  return new Promise((resolve, reject) => {
    const closed = (child: ReturnType<typeof spawn>) =>
      new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const env = { PATH: process.env.PATH ?? '' };
    const tap = spawn(process.execPath, [SINGER_CLI, ...tapArgs], { env });
    const load = spawn(process.execPath, [CLI, 'load', ...loadArgs], { env });
    tap.stdout.pipe(load.stdin);
    const stderr: string[] = [];
    const loadStderr: string[] = [];
    const stdout: string[] = [];
    tap.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    load.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk.toString());
      loadStderr.push(chunk.toString());
    });
    load.stdout.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
    load.stdin.on('error', () => undefined);
    tap.on('error', reject);
    load.on('error', reject);
    void Promise.all([closed(tap), closed(load)]).then(([tapCode, loadCode]) =>
      resolve({
        tapCode,
        loadCode,
        stdout: stdout.join(''),
        stderr: stderr.join(''),
        loadStderr: loadStderr.join(''),
      }),
    );
  });
}
