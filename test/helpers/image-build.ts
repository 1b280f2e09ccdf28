/**
 * Under CI the Airbyte image takes minutes to build (a stand-in base, a compile of better-sqlite3), so
 * the global setup starts `npm run image`'s script in the background and the image test waits for it,
 * while the rest of the suite runs on the other core. Outside CI the image test builds it itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface BackgroundBuild {
  /** The build's stdout and stderr. */
  log: string;
  /** Written when the build ends: its exit code. */
  status: string;
}

/** Starts the build; the returned stop() ends it if it still runs when the suite is over. */
export function startImageBuild(env: NodeJS.ProcessEnv): { build: BackgroundBuild; stop: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'devin-tap-image-build-'));
  const build = { log: join(dir, 'build.log'), status: join(dir, 'status') };
  const out = openSync(build.log, 'w');
  // Its own process group, so stop() ends the engine it runs as well as the script.
  const child = spawn(process.execPath, [resolve('dist/scripts/image/build.js')], {
    env,
    stdio: ['ignore', out, out],
    detached: true,
  });
  child.on('error', (error) => writeFileSync(build.status, `error ${error.message}`));
  child.on('exit', (code, signal) => writeFileSync(build.status, String(code ?? signal)));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM');
    }
  };
  return { build, stop };
}

/** Waits (polling, with a deadline) for the background build; resolves to its log or throws with it. */
export async function awaitImageBuild(build: BackgroundBuild, deadlineMs: number): Promise<string> {
  const giveUp = Date.now() + deadlineMs;
  while (!existsSync(build.status)) {
    if (Date.now() > giveUp) throw new Error(`the image build did not end within ${deadlineMs / 1000} s`);
    await delay(1000);
  }
  const log = readFileSync(build.log, 'utf8');
  const status = readFileSync(build.status, 'utf8');
  if (status !== '0') throw new Error(`npm run image failed (${status}):\n${log.slice(-4000)}`);
  return log;
}
