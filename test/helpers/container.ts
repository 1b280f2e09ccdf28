/**
 * The container engine and the Airbyte image for test/image.test.ts. The engine is looked up once
 * (docker with a daemon, else podman); without one the test is skipped with one line, and under CI
 * (`CI` set) a missing engine is a failure. The image is built with `npm run image`'s script, or
 * taken from `DEVIN_TAP_IMAGE` (then `DEVIN_TAP_IMAGE_BASE`, when set, is the base its size is
 * measured against).
 */
import { chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Engine, findEngine, imageSize } from '../../scripts/image/engine.js';
import { awaitImageBuild, type BackgroundBuild } from './image-build.js';
import { type CliResult, runCommand } from './run-cli.js';

const BUILD_DEADLINE_MS = 30 * 60_000;

export const ENGINE_NOTICE =
  'image: no container engine (docker with a running daemon, or podman), so the Airbyte image test did not run; to run it: apt-get install podman runc debootstrap, then npm test';

/** Under CI a missing engine throws: the image test is required there. */
export function engineGuard(env: NodeJS.ProcessEnv): { engine: Engine | null; notice: string | null } {
  const engine = findEngine(env);
  if (engine !== null) return { engine, notice: null };
  if (env.CI) throw new Error('no container engine: under CI the Airbyte image test is required');
  return { engine: null, notice: ENGINE_NOTICE };
}

export interface TestImage {
  image: string;
  /** Bytes over its base, when the base is known. */
  overBase: number | null;
  /** The build's own log (empty for an image handed in). */
  buildLog: string;
}

/**
 * Builds the image the way `npm run image` does (the compiled script), or waits for the global
 * setup's background build of it (under CI), or takes DEVIN_TAP_IMAGE.
 */
export async function testImage(
  engine: Engine,
  env: NodeJS.ProcessEnv,
  background: BackgroundBuild | null,
): Promise<TestImage> {
  if (env.DEVIN_TAP_IMAGE) {
    const base = env.DEVIN_TAP_IMAGE_BASE;
    return {
      image: env.DEVIN_TAP_IMAGE,
      overBase: base ? sizeOver(engine, env.DEVIN_TAP_IMAGE, base) : null,
      buildLog: '',
    };
  }
  const log = background ? await awaitImageBuild(background, BUILD_DEADLINE_MS) : await buildNow(env);
  const image = /built (\S+) in/.exec(log)?.[1];
  const base = /base image: ([^;\s]+);/.exec(log)?.[1];
  if (!image || !base) throw new Error(`npm run image did not name its image and base:\n${log.slice(-2000)}`);
  return { image, overBase: sizeOver(engine, image, base), buildLog: log };
}

async function buildNow(env: NodeJS.ProcessEnv): Promise<string> {
  const built = await runCommand(process.execPath, [resolve('dist/scripts/image/build.js')], { env });
  const log = built.stdout + built.stderr;
  if (built.code !== 0) throw new Error(`npm run image failed:\n${log.slice(-4000)}`);
  return log;
}

function sizeOver(engine: Engine, image: string, base: string): number | null {
  const size = imageSize(engine, image);
  const baseSize = imageSize(engine, base);
  return size !== null && baseSize !== null ? size - baseSize : null;
}

/**
 * Runs the image as the platform does: `<engine> run --rm -v <dir>:/secrets:ro <image> <args>`, on the
 * host's network (the simulator listens on 127.0.0.1). The directory is made readable by the image's
 * non-root user.
 */
export function runImage(
  engine: Engine,
  image: string,
  dir: string,
  args: readonly string[],
): Promise<CliResult> {
  chmodSync(dir, 0o755);
  const run = ['run', '--rm', ...engine.networkFlags, '-v', `${dir}:/secrets:ro`, image, ...args];
  return runCommand(engine.command, run, { env: engine.env });
}
