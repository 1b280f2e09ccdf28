/** doctor for people, and logs on every command (text, JSON, Airbyte LOG messages), through the built CLI. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { airbyteMessages, configuredCatalog } from './helpers/airbyte-protocol.js';
import { startLocalServer } from './helpers/local-server.js';
import { CLI, jsonLines, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';

let dir: string;
let sim: Simulator;

beforeAll(async () => {
  dir = tempDir('devin-tap-doctor-');
  sim = await startSimulator({ seed: 3, sessions: 6, messagesPerSession: 2 });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

async function doctor(token: string, database = join(dir, 'doctor.duckdb')) {
  const env = { DEVIN_API_TOKEN: token, DEVIN_ORG_ID: sim.config().org_id, DEVIN_BASE_URL: sim.baseUrl };
  const json = await runCli(CLI, ['doctor', '--json', '--database', database], { env, cwd: dir });
  const text = await runCli(CLI, ['doctor', '--database', database], { env, cwd: dir });
  const checks = (JSON.parse(json.stdout) as { checks: Check[] }).checks;
  return { json, text, checks, find: (name: string) => checks.find((check) => check.check === name) };
}

describe('devin-tap doctor', () => {
  it('all good: every stream readable, latency, database writable; exit 0', async () => {
    const { json, text, find } = await doctor(sim.token);
    expect(json.code, json.stderr).toBe(0);
    expect(find('config')?.detail).toContain('environment DEVIN_API_TOKEN');
    expect(find('API token')?.ok).toBe(true);
    expect(find('stream secrets')).toMatchObject({ ok: true, detail: 'readable' });
    expect(find('API latency')?.detail).toMatch(/^\d+ ms/);
    expect(find('database')?.detail).toContain('can be created');
    expect(text.stdout).toContain('no problems found');
    // One row per stream and its detail: the table still fits an 80-column terminal.
    expect(text.stdout.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(text.stdout.split('\n').length).toBeGreaterThan(STREAM_NAMES.length);
    expect(text.stdout + text.stderr).not.toContain(sim.token);
  });

  it('a token missing permissions: names each stream and the permission; exit 1', async () => {
    const token = sim.restrictedToken([
      'ViewOrgSessions',
      'ManageOrgKnowledge',
      'ViewOrgMembership',
      'ViewOrgConsumption',
      'ManageOrgSchedules',
      'ViewOrgRepositories',
    ]);
    const { json, text, find } = await doctor(token);
    expect(json.code).toBe(1);
    expect(find('API token')?.ok).toBe(true);
    expect(find('stream sessions')?.ok).toBe(true);
    expect(find('stream playbooks')).toMatchObject({ ok: false, detail: 'needs ManageOrgPlaybooks' });
    expect(find('stream secrets')).toMatchObject({ ok: false, detail: 'needs ManageOrgSecrets' });
    expect(find('stream knowledge_notes')?.ok).toBe(true);
    expect(text.stdout).toMatch(/stream secrets\s+PROBLEM\s+needs ManageOrgSecrets/);
    expect(find('stream schedules')?.ok).toBe(true);
    expect(find('stream metrics_prs')).toMatchObject({ ok: false, detail: 'needs ViewOrgMetrics' });
    expect(text.stdout).toContain('6 problems found');
    expect(text.stdout + text.stderr).not.toContain(token);
  });

  it('a rejected token and an unwritable database are problems too', async () => {
    const { json, find } = await doctor('cog_not_a_real_token', '/nonexistent-dir/x.duckdb');
    expect(json.code).toBe(1);
    expect(find('API token')).toMatchObject({ ok: false });
    expect(find('API token')?.detail).toMatch(/rejected/);
    expect(find('database')).toMatchObject({ ok: false });
    expect(find('database')?.detail).toContain('/nonexistent-dir');
  });

  it('a rejected token is one root cause: the checks it makes impossible are skipped, and every line fits 80 columns', async () => {
    const { json, text, checks, find } = await doctor('cog_not_a_real_token');
    expect(json.code).toBe(1);
    expect(text.code).toBe(1);
    const streams = checks.filter((check) => check.check.startsWith('stream '));
    expect(streams.length).toBe(STREAM_NAMES.length);
    for (const check of [...streams, find('API latency')])
      expect(check).toMatchObject({
        ok: false,
        skipped: true,
        detail: 'not checked: the API token check failed',
      });
    expect(text.stdout).toMatch(/stream sessions\s+skipped\s+not checked/);
    expect(text.stdout).toContain('1 problem found');
    for (const line of `${text.stdout}${text.stderr}`.split('\n'))
      expect(line.length, line).toBeLessThanOrEqual(80);
  });
});

describe('devin-tap doctor at the edges', () => {
  it('a server that never answers: says what it waits for and gives up after one request timeout', async () => {
    const silent = await startLocalServer(() => undefined);
    try {
      const env = { DEVIN_API_TOKEN: 'cog_silentTEST', DEVIN_ORG_ID: 'org-1', DEVIN_BASE_URL: silent.url };
      const config = writeJson(dir, 'silent.json', { request_timeout_seconds: 1, max_retries: 5 });
      const database = join(dir, 'silent.duckdb');
      const run = await runCli(CLI, ['doctor', '--json', '--config', config, '--database', database], {
        env,
        cwd: dir,
      });
      expect(run.code).toBe(1);
      // Wrapped to the terminal's width: read as one line.
      const said = run.stderr.replace(/\n {2}/g, ' ');
      expect(said).toContain(`waiting for the Devin API at ${silent.url} (a request per stream`);
      expect(said).toContain('one with no answer is given up after 1 s');
      const checks = (JSON.parse(run.stdout) as { checks: Check[] }).checks;
      expect(checks.find((check) => check.check === 'API token')?.detail).toMatch(
        /^cannot reach the Devin API .*failed after 1 attempts \(last: timed out\)$/,
      );
      // One request, not one per retry: max_retries does not apply to a request that got no answer.
      expect(silent.seen.length).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it('an organization with no sessions: nothing to probe is not a problem (exit 0)', async () => {
    const empty = await startSimulator({ seed: 4, sessions: 0 });
    try {
      const env = {
        DEVIN_API_TOKEN: empty.token,
        DEVIN_ORG_ID: empty.config().org_id,
        DEVIN_BASE_URL: empty.baseUrl,
      };
      const database = join(dir, 'empty.duckdb');
      const run = await runCli(CLI, ['doctor', '--json', '--database', database], { env, cwd: dir });
      const checks = (JSON.parse(run.stdout) as { checks: Check[] }).checks;
      expect(checks.find((check) => check.check === 'stream session_messages')).toEqual({
        check: 'stream session_messages',
        ok: true,
        detail: 'nothing to probe (no sessions yet)',
      });
      expect(checks.filter((check) => !check.ok)).toEqual([]);
      expect(run.code).toBe(0);
    } finally {
      await empty.close();
    }
  });
});

describe('logs', () => {
  it('Airbyte read emits stream logs as LOG messages valid against the protocol', async () => {
    const config = writeJson(dir, 'config.json', sim.config());
    const catalog = writeJson(dir, 'catalog.json', configuredCatalog(['sessions', 'playbooks']));
    const run = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
    expect(run.code, run.stderr).toBe(0);
    const messages = airbyteMessages(run.stdout);
    const logs = messages.flatMap((message) => (message.type === 'LOG' && message.log ? [message.log] : []));
    expect(logs).toContainEqual({ level: 'INFO', message: '[sessions] started' });
    expect(logs.map((log) => log.message)).toContainEqual(
      expect.stringMatching(/^\[playbooks\] complete: 25 records, 1 requests, [\d.]+ s$/),
    );
    const quiet = await runCli(CLI, [
      'read',
      '--config',
      config,
      '--catalog',
      catalog,
      '--log-level',
      'warn',
    ]);
    expect(airbyteMessages(quiet.stdout).some((message) => message.type === 'LOG')).toBe(false);
  });

  it('tap-devin --log-level error prints no METRIC line; INFO lines carry a UTC timestamp', async () => {
    const config = writeJson(dir, 'singer.json', sim.config());
    const loud = await runCli(SINGER_CLI, ['--config', config]);
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stderr).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO +METRIC: \{/m);
    expect(loud.stderr).toMatch(/^\S+Z INFO +\[sessions\] complete: 6 records/m);
    const quiet = await runCli(SINGER_CLI, ['--config', config, '--log-level', 'error']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('--log-format json: one JSON object per line with time, level, stream and figures', async () => {
    const config = writeJson(dir, 'sync.json', sim.config());
    const run = await runCli(CLI, [
      'sync',
      '--config',
      config,
      '--database',
      join(dir, 'logs.sqlite'),
      '--log-format',
      'json',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    const end = lines.find(
      (line) => line.stream === 'secrets' && String(line.message).startsWith('complete'),
    );
    expect(end).toMatchObject({ level: 'info', records: 25, requests: 1 });
    expect(String(end?.time)).toMatch(/Z$/);
    const failed = await runCli(CLI, [
      'status',
      '--database',
      join(dir, 'none.duckdb'),
      '--log-format',
      'json',
    ]);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stderr)).toMatchObject({ level: 'error' });
  });
});

describe('the token echoed in API data, at the debug log level', () => {
  it('never appears in tap-devin output nor in JSON log lines', async () => {
    const echo = await startSimulator({
      seed: 4,
      sessions: 5,
      messagesPerSession: 2,
      playbooks: 3,
      hostile: { echoToken: true },
    });
    try {
      const config = writeJson(dir, 'echo.json', echo.config());
      const tap = await runCli(SINGER_CLI, ['--config', config, '--log-level', 'debug']);
      expect(tap.code, tap.stderr).toBe(0);
      expect(jsonLines(tap.stdout).length).toBeGreaterThan(10);
      expect(tap.stdout).toContain('[REDACTED]'); // the echoed token was there, and was cut out
      expect(tap.stdout + tap.stderr).not.toContain(echo.token);
      const sync = await runCli(CLI, [
        'sync',
        '--config',
        config,
        '--database',
        join(dir, 'echo.sqlite'),
        '--log-format',
        'json',
        '--log-level',
        'debug',
        '--json',
      ]);
      expect(sync.code, sync.stderr).toBe(0);
      const lines = sync.stderr.trim().split('\n');
      expect(lines.length).toBeGreaterThan(5);
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      expect(sync.stdout + sync.stderr).not.toContain(echo.token);
    } finally {
      await echo.close();
    }
  });
});
