/**
 * A stand-in for `node:20-slim` where that image cannot be pulled: a Debian bookworm root made with
 * debootstrap, this machine's Node 20 (binary, headers, npm) under /usr/local as in the official image,
 * the machine's CA bundle (which Node is told to trust), and the official image's `node` user
 * (uid 1000). Imported into the engine as `localhost/node:20-slim`.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Engine, engineSync } from './engine.js';

export const STAND_IN_TAG = 'localhost/node:20-slim';
const DEBOOTSTRAP_TIMEOUT_MS = 15 * 60_000;
const IMPORT_TIMEOUT_MS = 5 * 60_000;
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export class StandInError extends Error {
  override readonly name = 'StandInError';
}

function run(command: string, args: string[], timeoutMs: number): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
  if (result.error)
    throw new StandInError(`${command} failed: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) {
    const tail = result.stderr.toString('utf8').trim().split('\n').slice(-5).join('\n');
    throw new StandInError(`${command} exited ${result.status ?? result.signal}: ${tail}`);
  }
}

/** Node's install prefix (…/bin/node → …), which must hold include/node and lib/node_modules/npm. */
function nodePrefix(env: NodeJS.ProcessEnv): { prefix: string; headers: string } {
  const prefix = dirname(dirname(process.execPath));
  const headers = join(env.npm_config_nodedir ?? prefix, 'include', 'node');
  return { prefix, headers };
}

function addNode(root: string, env: NodeJS.ProcessEnv): void {
  const { prefix, headers } = nodePrefix(env);
  const local = join(root, 'usr', 'local');
  mkdirSync(join(local, 'bin'), { recursive: true });
  copyFileSync(process.execPath, join(local, 'bin', 'node'));
  cpSync(headers, join(local, 'include', 'node'), { recursive: true });
  cpSync(join(prefix, 'lib', 'node_modules', 'npm'), join(local, 'lib', 'node_modules', 'npm'), {
    recursive: true,
  });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(local, 'bin', 'npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(local, 'bin', 'npx'));
}

function addUserAndTrust(root: string): void {
  mkdirSync(join(root, dirname(CA_BUNDLE)), { recursive: true });
  copyFileSync(CA_BUNDLE, join(root, CA_BUNDLE));
  appendFileSync(join(root, 'etc', 'passwd'), 'node:x:1000:1000::/home/node:/bin/bash\n');
  appendFileSync(join(root, 'etc', 'group'), 'node:x:1000:\n');
  mkdirSync(join(root, 'home', 'node'), { recursive: true });
  chownSync(join(root, 'home', 'node'), 1000, 1000);
  rmSync(join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
  rmSync(join(root, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
  mkdirSync(join(root, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
  mkdirSync(join(root, 'var', 'cache', 'apt', 'archives', 'partial'), { recursive: true });
}

/** Makes the stand-in base and imports it as STAND_IN_TAG (needs root and debootstrap). */
export function makeStandInBase(engine: Engine, env: NodeJS.ProcessEnv): void {
  if (process.getuid?.() !== 0) throw new StandInError('making the stand-in base needs root (debootstrap)');
  const mirror = env.DEVIN_TAP_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
  const work = mkdtempSync(join(tmpdir(), 'devin-tap-base-'));
  try {
    const root = join(work, 'root');
    run('debootstrap', ['--variant=minbase', 'bookworm', root, mirror], DEBOOTSTRAP_TIMEOUT_MS);
    addNode(root, env);
    addUserAndTrust(root);
    const tarball = join(work, 'root.tar');
    run(
      'tar',
      ['-C', root, '--exclude=./proc/*', '--exclude=./sys/*', '-cf', tarball, '.'],
      IMPORT_TIMEOUT_MS,
    );
    const imported = engineSync(
      engine,
      [
        'import',
        '--change',
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--change',
        `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`,
        '--change',
        'CMD ["node"]',
        tarball,
        STAND_IN_TAG,
      ],
      IMPORT_TIMEOUT_MS,
    );
    if (imported.code !== 0)
      throw new StandInError(`${engine.command} import failed: ${imported.stderr.trim()}`);
  } finally {
    // debootstrap leaves /proc and /sys mounted in the root when it fails part-way.
    for (const mount of ['proc', 'sys'])
      spawnSync('umount', [join(work, 'root', mount)], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }
}
