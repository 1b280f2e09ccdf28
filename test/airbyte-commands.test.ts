import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { findStream, STREAM_NAMES } from '../src/tap/streams/index.js';
import { type AirbyteMessage, airbyteMessages, configuredCatalog } from './helpers/airbyte-protocol.js';
import { closedPort } from './helpers/local-server.js';
import { CLI, runCli, tempDir, writeJson } from './helpers/run-cli.js';

async function airbyte(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runCli(CLI, args, { env });
  return { ...result, messages: airbyteMessages(result.stdout) };
}

/**
 * The one CONNECTION_STATUS of a `check`. A failed check is an answer, not an error: the exit code is 0
 * either way (README), so every check below asserts it.
 */
function connectionStatus(result: { code: number | null; messages: readonly AirbyteMessage[] }) {
  expect(result.code).toBe(0);
  expect(result.messages).toHaveLength(1);
  expect(result.messages[0]?.type).toBe('CONNECTION_STATUS');
  return result.messages[0]?.connectionStatus as { status: string; message: string };
}

describe('devin-tap spec and discover', () => {
  it('spec prints the config schema with the secret token and a start_date pattern', async () => {
    const { code, messages } = await airbyte(['spec']);
    expect(code).toBe(0);
    expect(messages).toHaveLength(1);
    const spec = (messages[0] as unknown as { spec: { connectionSpecification: JsonObject } }).spec;
    const properties = spec.connectionSpecification.properties as Record<string, JsonObject>;
    // org_id may be left out: the key's organization is asked of GET /v3/enterprise/self.
    expect(spec.connectionSpecification.required).toEqual(['api_token']);
    expect(properties.api_token?.airbyte_secret).toBe(true);
    expect(properties.start_date?.pattern).toBeTypeOf('string');
    expect(properties.start_date?.examples).toBeInstanceOf(Array);
  });

  it('discover lists every stream with keys, cursors and sync modes', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { api_token: 'cog_x', org_id: 'org-1' });
    const { code, messages } = await airbyte(['discover', '--config', config]);
    expect(code).toBe(0);
    const streams = (messages[0] as unknown as { catalog: { streams: JsonObject[] } }).catalog.streams;
    expect(streams.map((s) => s.name)).toEqual(STREAM_NAMES);
    const messagesStream = streams.find((s) => s.name === 'session_messages');
    expect(messagesStream?.source_defined_primary_key).toEqual([['session_id'], ['event_id']]);
    for (const stream of streams) {
      // Lists without timestamps (users, schedules ...) are read in full every run.
      const cursor = findStream(String(stream.name))?.cursorField;
      const modes = cursor === null ? ['full_refresh'] : ['full_refresh', 'incremental'];
      expect(stream.supported_sync_modes).toEqual(modes);
      // A stream without a cursor declares none: no source-defined cursor, no empty cursor field.
      expect(stream.source_defined_cursor).toBe(cursor !== null);
      expect(stream.default_cursor_field).toEqual(cursor === null ? undefined : [cursor]);
      expect(stream.is_resumable).toBe(true);
      const properties = (stream.json_schema as { properties: JsonObject }).properties;
      for (const [key] of stream.source_defined_primary_key as string[][])
        expect(properties).toHaveProperty(key as string);
      if (cursor) expect(properties).toHaveProperty(cursor);
    }
  });

  it('discover with an invalid config fails with a config_error trace naming the field', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { api_token: 'cog_x', org_id: 'acme' });
    const { code, messages, stderr } = await airbyte(['discover', '--config', config]);
    expect(code).not.toBe(0);
    const error = (messages[0] as unknown as { trace: { error: { message: string; failure_type: string } } })
      .trace.error;
    expect(error.failure_type).toBe('config_error');
    expect(error.message).toContain('org_id');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('devin-tap check', () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 5, messagesPerSession: 2 });
    dir = tempDir();
  });
  afterAll(() => sim.close());

  it('succeeds with a full-permission key', async () => {
    const config = writeJson(dir, 'ok.json', sim.config());
    expect(connectionStatus(await airbyte(['check', '--config', config])).status).toBe('SUCCEEDED');
  });

  it('succeeds but names each unreadable stream and its permission', async () => {
    const token = sim.restrictedToken(['ViewOrgSessions', 'ManageOrgPlaybooks']);
    const config = writeJson(dir, 'partial.json', { ...sim.config(), api_token: token });
    const result = await airbyte(['check', '--config', config]);
    const { stdout } = result;
    const status = connectionStatus(result);
    expect(status.status).toBe('SUCCEEDED');
    expect(status.message).toContain('secrets');
    expect(status.message).toContain('ManageOrgSecrets');
    expect(status.message).toContain('knowledge_notes');
    expect(status.message).toContain('ManageOrgKnowledge');
    expect(stdout).not.toContain(token);
  });

  it('fails when sessions are not readable', async () => {
    const token = sim.restrictedToken(['ManageOrgPlaybooks']);
    const config = writeJson(dir, 'nosessions.json', { ...sim.config(), api_token: token });
    const status = connectionStatus(await airbyte(['check', '--config', config]));
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('ViewOrgSessions');
  });

  it('fails clearly for a rejected token, without echoing it', async () => {
    const config = writeJson(dir, 'bad.json', { ...sim.config(), api_token: 'cog_not_a_real_key_123' });
    const result = await airbyte(['check', '--config', config]);
    const { stdout, stderr } = result;
    const status = connectionStatus(result);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/token was rejected/i);
    expect(stdout + stderr).not.toContain('cog_not_a_real_key_123');
  });

  it('fails clearly for an invalid config', async () => {
    const config = writeJson(dir, 'invalid.json', { ...sim.config(), api_token: 'secret-without-prefix' });
    const result = await airbyte(['check', '--config', config]);
    const { stdout } = result;
    const status = connectionStatus(result);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('api_token');
    expect(stdout).not.toContain('secret-without-prefix');
  });

  it('fails clearly for an unreachable base_url', async () => {
    const port = await closedPort();
    const config = writeJson(dir, 'unreachable.json', {
      ...sim.config(),
      base_url: `http://127.0.0.1:${port}`,
      max_retries: 0,
    });
    const status = connectionStatus(await airbyte(['check', '--config', config]));
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain(`127.0.0.1:${port}`);
    expect(status.message).toMatch(/unreachable|connect|reach/i);
  });

  it('takes the token from DEVIN_API_TOKEN when the config file has none', async () => {
    const { api_token: token, ...rest } = sim.config();
    const config = writeJson(dir, 'envtoken.json', rest);
    const result = await airbyte(['check', '--config', config], { DEVIN_API_TOKEN: token });
    expect(connectionStatus(result).status).toBe('SUCCEEDED');
  });
});

describe('devin-tap read with bad input files', () => {
  let sim: Simulator;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    sim = await startSimulator({ sessions: 3, messagesPerSession: 1 });
    dir = tempDir();
    config = writeJson(dir, 'config.json', sim.config());
  });
  afterAll(() => sim.close());

  const cases: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /streams/],
    [
      'an unknown stream',
      {
        streams: [{ stream: { name: 'teams' }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
      },
      /unknown stream "teams".*sessions/,
    ],
    [
      'a bad sync mode',
      {
        streams: [{ stream: { name: 'sessions' }, sync_mode: 'sometimes', destination_sync_mode: 'append' }],
      },
      /sync_mode/,
    ],
  ];
  for (const [label, catalog, pattern] of cases) {
    it(`rejects a catalog with ${label}`, async () => {
      const path = writeJson(dir, 'catalog.json', catalog);
      const { code, messages } = await airbyte(['read', '--config', config, '--catalog', path]);
      expect(code).not.toBe(0);
      expect(messages).toHaveLength(1);
      const error = messages[0]?.trace?.error;
      expect(error?.message).toMatch(pattern);
      expect(error?.failure_type).toBe('config_error');
    });
  }

  it('rejects a state file that is not JSON, naming the file', async () => {
    const catalog = writeJson(
      dir,
      'catalog-ok.json',
      configuredCatalog(['sessions'], { syncMode: 'full_refresh' }),
    );
    const state = `${dir}/state.json`;
    (await import('node:fs')).writeFileSync(state, '{"type": STREAM');
    const { code, messages } = await airbyte([
      'read',
      '--config',
      config,
      '--catalog',
      catalog,
      '--state',
      state,
    ]);
    expect(code).not.toBe(0);
    const error = messages[0]?.trace?.error;
    expect(error?.message).toContain('state.json');
    expect(error?.message).toMatch(/not valid JSON/);
  });
});

describe('Airbyte image entrypoint contract', () => {
  it('AIRBYTE_ENTRYPOINT and ENTRYPOINT run the built CLI that answers spec', async () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const entrypoint = /ENV AIRBYTE_ENTRYPOINT="node \/airbyte\/integration_code\/(\S+)"/.exec(
      dockerfile,
    )?.[1];
    expect(entrypoint).toBe('dist/src/cli.js');
    expect(dockerfile).toContain(`ENTRYPOINT ["node", "/airbyte/integration_code/${entrypoint}"]`);
    expect(dockerfile).toMatch(/LABEL io\.airbyte\.name=/);
    expect(dockerfile).toMatch(/LABEL io\.airbyte\.version=/);
    // Numeric and non-root, so Kubernetes' runAsNonRoot can verify it (uid 1000: the base's `node`).
    expect(dockerfile).toMatch(/^USER [1-9]\d*:[1-9]\d*$/m);
    const { code, messages } = await airbyte(['spec']);
    expect(code).toBe(0);
    expect(messages[0]?.type).toBe('SPEC');
  });
});
