import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { airbyteMessageErrors } from './helpers/airbyte-protocol.js';
import { CLI, jsonLines, runCli, tempDir, writeJson } from './helpers/run-cli.js';

type Message = JsonObject & { type: string };

async function airbyte(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runCli(CLI, args, { env });
  const messages = jsonLines(result.stdout) as Message[];
  for (const message of messages) expect(airbyteMessageErrors(message)).toBeNull();
  return { ...result, messages };
}

function connectionStatus(messages: readonly Message[]) {
  expect(messages).toHaveLength(1);
  expect(messages[0]?.type).toBe('CONNECTION_STATUS');
  return messages[0]?.connectionStatus as { status: string; message: string };
}

describe('devin-tap spec and discover', () => {
  it('spec prints the config schema with the secret token and a start_date pattern', async () => {
    const { code, messages } = await airbyte(['spec']);
    expect(code).toBe(0);
    expect(messages).toHaveLength(1);
    const spec = (messages[0] as unknown as { spec: { connectionSpecification: JsonObject } }).spec;
    const properties = spec.connectionSpecification.properties as Record<string, JsonObject>;
    expect(spec.connectionSpecification.required).toEqual(expect.arrayContaining(['api_token', 'org_id']));
    expect(properties.api_token?.airbyte_secret).toBe(true);
    expect(properties.start_date?.pattern).toBeTypeOf('string');
    expect(properties.start_date?.examples).toBeInstanceOf(Array);
  });

  it('discover lists the nine streams with keys, cursors and sync modes', async () => {
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', { api_token: 'cog_x', org_id: 'org-1' });
    const { code, messages } = await airbyte(['discover', '--config', config]);
    expect(code).toBe(0);
    const streams = (messages[0] as unknown as { catalog: { streams: JsonObject[] } }).catalog.streams;
    expect(streams.map((s) => s.name)).toEqual(STREAM_NAMES);
    const messagesStream = streams.find((s) => s.name === 'session_messages');
    expect(messagesStream?.source_defined_primary_key).toEqual([['session_id'], ['event_id']]);
    for (const stream of streams) {
      // users have no timestamps: read in full every run.
      const modes = stream.name === 'users' ? ['full_refresh'] : ['full_refresh', 'incremental'];
      expect(stream.supported_sync_modes).toEqual(modes);
      expect(stream.source_defined_cursor).toBe(true);
      expect(stream.is_resumable).toBe(true);
      const properties = (stream.json_schema as { properties: JsonObject }).properties;
      for (const [key] of stream.source_defined_primary_key as string[][])
        expect(properties).toHaveProperty(key as string);
      for (const field of stream.default_cursor_field as string[]) expect(properties).toHaveProperty(field);
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
    const { code, messages } = await airbyte(['check', '--config', config]);
    expect(code).toBe(0);
    expect(connectionStatus(messages).status).toBe('SUCCEEDED');
  });

  it('succeeds but names each unreadable stream and its permission', async () => {
    const token = sim.restrictedToken(['ViewOrgSessions', 'ManageOrgPlaybooks']);
    const config = writeJson(dir, 'partial.json', { ...sim.config(), api_token: token });
    const { messages, stdout } = await airbyte(['check', '--config', config]);
    const status = connectionStatus(messages);
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
    const status = connectionStatus((await airbyte(['check', '--config', config])).messages);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('ViewOrgSessions');
  });

  it('fails clearly for a rejected token, without echoing it', async () => {
    const config = writeJson(dir, 'bad.json', { ...sim.config(), api_token: 'cog_not_a_real_key_123' });
    const { stdout, stderr, messages } = await airbyte(['check', '--config', config]);
    const status = connectionStatus(messages);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/token was rejected/i);
    expect(stdout + stderr).not.toContain('cog_not_a_real_key_123');
  });

  it('fails clearly for an invalid config', async () => {
    const config = writeJson(dir, 'invalid.json', { ...sim.config(), api_token: 'secret-without-prefix' });
    const { stdout, messages } = await airbyte(['check', '--config', config]);
    const status = connectionStatus(messages);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('api_token');
    expect(stdout).not.toContain('secret-without-prefix');
  });

  it('fails clearly for an unreachable base_url', async () => {
    const config = writeJson(dir, 'unreachable.json', {
      ...sim.config(),
      base_url: 'http://127.0.0.1:9',
      max_retries: 0,
    });
    const status = connectionStatus((await airbyte(['check', '--config', config])).messages);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/127\.0\.0\.1:9|unreachable|connect/i);
  });

  it('takes the token from DEVIN_API_TOKEN when the config file has none', async () => {
    const { api_token: token, ...rest } = sim.config();
    const config = writeJson(dir, 'envtoken.json', rest);
    const { messages } = await airbyte(['check', '--config', config], { DEVIN_API_TOKEN: token });
    expect(connectionStatus(messages).status).toBe('SUCCEEDED');
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
      const error = (
        messages[0] as unknown as { trace: { error: { message: string; failure_type: string } } }
      ).trace.error;
      expect(error.message).toMatch(pattern);
      expect(error.failure_type).toBe('config_error');
    });
  }

  it('rejects a state file that is not JSON, naming the file', async () => {
    const catalog = writeJson(dir, 'catalog-ok.json', {
      streams: [{ stream: { name: 'sessions' }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
    });
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
    const error = (messages[0] as unknown as { trace: { error: { message: string } } }).trace.error;
    expect(error.message).toContain('state.json');
    expect(error.message).toMatch(/not valid JSON/);
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
