/**
 * `npm run image`: builds the Airbyte image devin-tap/source-devin:<package.json version> with docker
 * or podman from the repository's Dockerfile. The base is `node:20-slim` (or `BASE_IMAGE`); where it
 * cannot be pulled, a stand-in is made first (./stand-in-base.ts) and the script says so. Ends with the
 * image's size over its base.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Engine, engineSync, findEngine, imageSize, repositoryRoot } from './engine.js';
import { makeStandInBase, STAND_IN_TAG } from './stand-in-base.js';

export const IMAGE_NAME = 'devin-tap/source-devin';
const OFFICIAL_BASE = 'node:20-slim';
const PULL_TIMEOUT_MS = 3 * 60_000;
const BUILD_TIMEOUT_MS = 30 * 60_000;
const MB = 1024 * 1024;

export function packageVersion(): string {
  const parsed = JSON.parse(readFileSync(join(repositoryRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return parsed.version;
}

type Log = (line: string) => void;

/** The base to build on: BASE_IMAGE, else a stand-in made earlier, else node:20-slim present or pulled, else a new stand-in. */
export function chooseBase(engine: Engine, env: NodeJS.ProcessEnv, log: Log): string {
  if (env.BASE_IMAGE) return env.BASE_IMAGE;
  // The stand-in first: podman also finds it under the short name node:20-slim.
  if (imageSize(engine, STAND_IN_TAG) !== null) {
    log(`using the stand-in for ${OFFICIAL_BASE} made earlier (${STAND_IN_TAG})`);
    return STAND_IN_TAG;
  }
  if (imageSize(engine, OFFICIAL_BASE) !== null) return OFFICIAL_BASE;
  const pulled = engineSync(engine, ['pull', `docker.io/library/${OFFICIAL_BASE}`], PULL_TIMEOUT_MS);
  if (pulled.code === 0) return OFFICIAL_BASE;
  const reason = pulled.stderr.trim().split('\n').at(-1) ?? '';
  log(`${OFFICIAL_BASE} cannot be pulled (${reason})`);
  log(
    `making a stand-in for it: Debian bookworm (debootstrap) with this machine's Node ${process.version}, its headers, npm and CA bundle, as ${STAND_IN_TAG}`,
  );
  makeStandInBase(engine, env);
  return STAND_IN_TAG;
}

export interface BuiltImage {
  image: string;
  base: string;
  seconds: number;
  /** Bytes the image adds to its base, when the engine reports both sizes. */
  overBase: number | null;
}

export function buildImage(engine: Engine, env: NodeJS.ProcessEnv, log: Log): BuiltImage {
  const version = packageVersion();
  const image = `${IMAGE_NAME}:${version}`;
  const base = chooseBase(engine, env, log);
  log(`building ${image} on ${base} with ${engine.kind}`);
  const started = Date.now();
  const args = ['build', ...engine.networkFlags, '--build-arg', `BASE_IMAGE=${base}`];
  args.push('--build-arg', `VERSION=${version}`, '-t', image, repositoryRoot());
  const built = engineSync(engine, args, BUILD_TIMEOUT_MS, true);
  if (built.code !== 0)
    throw new Error(`${engine.command} build failed${built.code === null ? `: ${built.stderr}` : ''}`);
  const seconds = Math.round((Date.now() - started) / 1000);
  const size = imageSize(engine, image);
  const baseSize = imageSize(engine, base);
  const overBase = size !== null && baseSize !== null ? size - baseSize : null;
  return { image, base, seconds, overBase };
}

function main(): void {
  const log: Log = (line) => process.stdout.write(`image: ${line}\n`);
  const engine = findEngine(process.env);
  if (engine === null) {
    process.stderr.write('image: no container engine (docker with a running daemon, or podman) found\n');
    process.exitCode = 1;
    return;
  }
  try {
    const built = buildImage(engine, process.env, log);
    const over = built.overBase === null ? 'unknown' : `${(built.overBase / MB).toFixed(1)} MB`;
    log(`built ${built.image} in ${built.seconds} s; base image: ${built.base}; over its base: ${over}`);
  } catch (error) {
    process.stderr.write(`image: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
