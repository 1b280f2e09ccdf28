/**
 * Finds the container engine that builds and runs the Airbyte image: docker when its daemon answers,
 * else podman (no daemon). `DEVIN_TAP_CONTAINER_ENGINE` (a name or path) picks one; `none` pretends
 * there is none. Podman runs with our containers.conf (runc, cgroupfs, no default ulimits: what it
 * needs on a machine without systemd) unless `CONTAINERS_CONF` names another.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The repository root: the nearest directory above this file (source or compiled) with a Dockerfile. */
export function repositoryRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'Dockerfile'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('devin-tap image: no Dockerfile above scripts/image');
    dir = parent;
  }
  return dir;
}

export const CONTAINERS_CONF = join(repositoryRoot(), 'scripts', 'image', 'containers.conf');
const PROBE_TIMEOUT_MS = 20_000;

export interface Engine {
  /** The command: `docker`, `podman` or a path to one. */
  command: string;
  kind: 'docker' | 'podman';
  /** The environment every call of the engine runs with. */
  env: NodeJS.ProcessEnv;
  /** Extra flags for `build` and `run` (podman: `--network host`, the only network that works here). */
  networkFlags: string[];
}

function answers(command: string, args: string[], env: NodeJS.ProcessEnv): boolean {
  const probe = spawnSync(command, args, { env, stdio: 'ignore', timeout: PROBE_TIMEOUT_MS });
  return probe.status === 0;
}

function engineOf(command: string, env: NodeJS.ProcessEnv): Engine | null {
  if (basename(command).includes('podman')) {
    const podmanEnv = { ...env, CONTAINERS_CONF: env.CONTAINERS_CONF ?? CONTAINERS_CONF };
    if (!answers(command, ['version'], podmanEnv)) return null;
    return { command, kind: 'podman', env: podmanEnv, networkFlags: ['--network', 'host'] };
  }
  // The docker client alone is not an engine: its daemon must answer.
  if (!answers(command, ['info'], env)) return null;
  return { command, kind: 'docker', env, networkFlags: ['--network', 'host'] };
}

/** The engine to use, or null when this machine has none. */
export function findEngine(env: NodeJS.ProcessEnv): Engine | null {
  const chosen = env.DEVIN_TAP_CONTAINER_ENGINE;
  if (chosen === 'none') return null;
  if (chosen) return engineOf(chosen, env);
  return engineOf('docker', env) ?? engineOf('podman', env);
}

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the engine synchronously with a deadline (never waits forever on a hung daemon or pull). */
export function engineSync(engine: Engine, args: string[], timeoutMs: number, inherit = false): Outcome {
  const result = spawnSync(engine.command, args, {
    env: engine.env,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  if (result.error === undefined && result.signal === null) {
    return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  }
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const why = timedOut
    ? `no answer within ${timeoutMs / 1000} s`
    : (result.error?.message ?? `killed by ${result.signal}`);
  return { code: null, stdout: result.stdout ?? '', stderr: `${engine.command} ${args[0]}: ${why}` };
}

/** The image's size in bytes as the engine reports it, or null when it has no such image. */
export function imageSize(engine: Engine, image: string): number | null {
  const result = engineSync(engine, ['image', 'inspect', '--format', '{{.Size}}', image], PROBE_TIMEOUT_MS);
  if (result.code !== 0) return null;
  const size = Number(result.stdout.trim().split('\n')[0]);
  return Number.isFinite(size) ? size : null;
}
