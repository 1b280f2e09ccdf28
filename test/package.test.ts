/**
 * The installable package: `npm pack` of this repository, installed with `npm install -g --prefix`
 * into a temporary prefix (dependencies from the npm registry; better-sqlite3 compiles, with Node's
 * headers from npm_config_nodedir when set, else from beside this Node), then its `devin-tap` and
 * `tap-devin` run from the prefix's bin/ against the simulator.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { airbyteMessageErrors } from './helpers/airbyte-protocol.js';
import { jsonLines, runCommand, tempDir } from './helpers/run-cli.js';
import { configFile, databasePath, expectTablesEqualSimulator, syncArgs } from './sync-helpers.js';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/**
 * npm's environment: node-gyp cannot download Node's headers here, so it is told where they are (an
 * npm_config_nodedir already set wins). The compile of SQLite runs unoptimized (-O0 comes after the
 * package's -O3): the test proves that it compiles and loads, in a quarter of the time.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const prefix = dirname(dirname(process.execPath));
  const nodedir =
    process.env.npm_config_nodedir ??
    (existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined);
  return {
    ...process.env,
    CFLAGS: `${process.env.CFLAGS ?? ''} -O0`.trim(),
    CXXFLAGS: `${process.env.CXXFLAGS ?? ''} -O0`.trim(),
    ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
  };
}

describe('npm pack, then npm install -g of the tarball', () => {
  let dir: string;
  let tarball: string;
  let bin: string;
  let sim: Simulator;

  beforeAll(async () => {
    dir = tempDir('devin-tap-package-');
    // dist/ is fresh (the global setup rebuilt it), so the prepack build is skipped.
    const pack = await runCommand('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {
      env: npmEnv(),
      cwd: resolve('.'),
    });
    expect(pack.code, pack.stderr).toBe(0);
    tarball = join(dir, pack.stdout.trim().split('\n').at(-1) ?? '');
    const prefix = join(dir, 'prefix');
    const install = await runCommand(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball],
      {
        env: npmEnv(),
        cwd: dir,
      },
    );
    expect(install.code, install.stderr.slice(-4000)).toBe(0);
    bin = join(prefix, 'bin');
    sim = await startSimulator({ sessions: 15, messagesPerSession: 3, seed: 3, users: 3 });
  }, INSTALL_TIMEOUT_MS);
  afterAll(() => {
    sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the tarball holds what runs and nothing else: no sources, tests, benches or source maps', async () => {
    expect(tarball).toMatch(new RegExp(`devin-tap-${VERSION.replaceAll('.', '\\.')}\\.tgz$`));
    const listing = await runCommand('tar', ['-tzf', tarball]);
    const files = listing.stdout.trim().split('\n');
    expect(files).toContain('package/dist/src/cli.js');
    expect(files).toContain('package/dist/src/singer-cli.js');
    expect(files).toContain('package/catalog/sessions.json');
    const stray = files.filter(
      (file) => !/^package\/(dist\/src\/.*\.js|catalog\/.*\.json|[^/]+\.(json|md)|LICENSE)$/.test(file),
    );
    expect(stray).toEqual([]);
  });

  it('puts executable devin-tap and tap-devin on the prefix bin/, answering --version and spec', async () => {
    for (const name of ['devin-tap', 'tap-devin'])
      expect(statSync(join(bin, name)).mode & 0o111, name).not.toBe(0);
    const version = await runCommand(join(bin, 'devin-tap'), ['--version']);
    expect(version.stdout.trim()).toBe(VERSION);
    const spec = await runCommand(join(bin, 'devin-tap'), ['spec']);
    expect(spec.code, spec.stderr).toBe(0);
    const messages = jsonLines(spec.stdout);
    expect(messages).toHaveLength(1);
    expect(airbyteMessageErrors(messages[0])).toBeNull();
    const about = await runCommand(join(bin, 'tap-devin'), ['--about']);
    expect(about.code, about.stderr).toBe(0);
    expect(about.stdout).toContain('tap-devin');
  });

  it('the installed devin-tap syncs the simulator exactly into SQLite and DuckDB', async () => {
    const config = configFile(dir, sim);
    for (const kind of ['sqlite', 'duckdb'] as const) {
      const database = databasePath(dir, kind);
      const sync = await runCommand(join(bin, 'devin-tap'), [
        'sync',
        '--json',
        ...syncArgs(config, kind, database),
      ]);
      expect(sync.code, sync.stderr).toBe(0);
      await expectTablesEqualSimulator(kind, database, sim);
    }
  });
});
