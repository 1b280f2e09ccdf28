/** Config sources and precedence, through the built CLI: options, env, .env, --config files, defaults. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { airbyteMessages } from './helpers/airbyte-protocol.js';
import { CLI, runCli, tempDir, writeJson } from './helpers/run-cli.js';

interface Field {
  value: unknown;
  source: string | null;
}
interface ConfigJson {
  fields: Record<string, Field>;
  valid: boolean;
  error?: string;
}

let dir: string;
let sim: Simulator;
const TOKEN = 'cog_file_s3cr3t_token';

beforeAll(async () => {
  dir = tempDir('devin-tap-config-');
  sim = await startSimulator({ seed: 5, sessions: 4, messagesPerSession: 1 });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `devin-tap config --json` run in `cwd` (a fresh directory unless given). */
async function effective(args: string[], env: NodeJS.ProcessEnv = {}, cwd = tempDir('devin-tap-cwd-')) {
  const run = await runCli(CLI, ['config', '--json', ...args], { env, cwd });
  return { ...run, view: JSON.parse(run.stdout) as ConfigJson };
}

describe('config precedence', () => {
  const file = () => writeJson(dir, 'base.json', { api_token: TOKEN, org_id: 'org-file', page_size: 10 });

  it('defaults fill what no source sets', async () => {
    const { view } = await effective(['--config', file()]);
    expect(view.fields.max_retries).toEqual({ value: 5, source: 'default' });
    expect(view.fields.base_url).toEqual({ value: 'https://api.devin.ai', source: 'default' });
  });

  it('--config files merge in order, a later file winning', async () => {
    const second = writeJson(dir, 'second.json', { org_id: 'org-second' });
    const { view } = await effective(['--config', file(), '--config', second]);
    expect(view.fields.org_id).toEqual({ value: 'org-second', source: `file ${second}` });
    expect(view.fields.page_size).toEqual({ value: 10, source: `file ${file()}` });
  });

  it('.env in the working directory wins over the files', async () => {
    const cwd = tempDir('devin-tap-dotenv-');
    writeFileSync(join(cwd, '.env'), 'DEVIN_ORG_ID=org-dotenv\nDEVIN_PAGE_SIZE=20\n');
    const { view } = await effective(['--config', file()], {}, cwd);
    expect(view.fields.org_id).toEqual({ value: 'org-dotenv', source: `${join(cwd, '.env')} DEVIN_ORG_ID` });
    expect(view.fields.page_size?.value).toBe(20);
  });

  it('the environment wins over .env (DEVIN_<FIELD> for every field)', async () => {
    const cwd = tempDir('devin-tap-dotenv-');
    writeFileSync(join(cwd, '.env'), 'DEVIN_ORG_ID=org-dotenv\n');
    const env = { DEVIN_ORG_ID: 'org-env', DEVIN_BASE_URL: 'http://127.0.0.1:9', DEVIN_MAX_RETRIES: '2' };
    const { view } = await effective(['--config', file()], env, cwd);
    expect(view.fields.org_id).toEqual({ value: 'org-env', source: 'environment DEVIN_ORG_ID' });
    expect(view.fields.base_url).toEqual({
      value: 'http://127.0.0.1:9',
      source: 'environment DEVIN_BASE_URL',
    });
    expect(view.fields.max_retries).toEqual({ value: 2, source: 'environment DEVIN_MAX_RETRIES' });
  });

  it('command-line options win over everything', async () => {
    const { view } = await effective(['--config', file(), '--org-id', 'org-option', '--page-size', '3'], {
      DEVIN_ORG_ID: 'org-env',
    });
    expect(view.fields.org_id).toEqual({ value: 'org-option', source: 'option --org-id' });
    expect(view.fields.page_size).toEqual({ value: 3, source: 'option --page-size' });
  });

  it('masks the token wherever it comes from, and never prints it', async () => {
    const run = await runCli(CLI, ['config', '--config', file()], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/api_token\s+\*{8}\s+file /);
    expect(run.stdout).toContain('config is valid');
    const fromEnv = await effective([], { DEVIN_API_TOKEN: 'cog_env_s3cr3t', DEVIN_ORG_ID: 'org-e' });
    expect(fromEnv.view.fields.api_token).toEqual({
      value: '********',
      source: 'environment DEVIN_API_TOKEN',
    });
    expect(run.stdout + fromEnv.stdout + run.stderr).not.toContain('s3cr3t');
  });

  it('an invalid effective config exits 1 and names the field', async () => {
    const run = await runCli(CLI, ['config', '--org-id', 'nope'], {
      env: { DEVIN_API_TOKEN: TOKEN },
      cwd: tempDir(),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/config is not valid: .*"org_id" must be/);
    expect(run.stdout).not.toContain('s3cr3t');
  });

  it('every command uses the same sources: check merges two --config files and reads .env', async () => {
    const cwd = tempDir('devin-tap-dotenv-');
    writeFileSync(join(cwd, '.env'), `DEVIN_API_TOKEN=${sim.token}\n`);
    const base = writeJson(dir, 'sim-base.json', { org_id: sim.config().org_id });
    const url = writeJson(dir, 'sim-url.json', { base_url: sim.baseUrl });
    const run = await runCli(CLI, ['check', '--config', base, '--config', url], { cwd });
    const messages = airbyteMessages(run.stdout);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.connectionStatus?.status).toBe('SUCCEEDED');
  });
});

describe('config files that are not JSON', () => {
  it('name the file, line and column, never the content', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, `{\n  "org_id": "org-x",\n  "api_token": ${TOKEN}\n}`);
    const run = await runCli(CLI, ['sync', '--config', path, '--database', join(dir, 'x.duckdb')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`config file ${path}: not valid JSON at line 3, column 16`);
    expect(run.stderr).not.toContain('s3cr3t');
    expect(run.stderr).not.toContain('this is a bug');
  });

  it('the same for a catalog and a state file, and in an Airbyte trace', async () => {
    const config = writeJson(dir, 'ok.json', sim.config());
    const catalog = join(dir, 'catalog.json');
    writeFileSync(catalog, '{"streams": [}');
    const run = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
    expect(run.code).toBe(1);
    const [trace] = airbyteMessages(run.stdout);
    expect(trace?.trace?.error?.message).toBe(`catalog file ${catalog}: not valid JSON at line 1, column 14`);
    const state = join(dir, 'state.json');
    writeFileSync(state, '[{"type": "STREAM",]');
    const singer = await runCli('dist/src/singer-cli.js', ['--config', config, '--state', state]);
    expect(singer.code).toBe(1);
    expect(singer.stderr).toContain(`state file ${state}: not valid JSON at line 1, column 20`);
  });
});
