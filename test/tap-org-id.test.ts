/** org_id may be left out: the key's organization is asked of GET /v3/enterprise/self (issue 17 item 3). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { parseConfig } from '../src/tap/config.js';
import { ConfigError } from '../src/tap/errors.js';
import { resolveOrgId } from '../src/tap/org-id.js';
import { airbyteMessageErrors } from './helpers/airbyte-protocol.js';
import { type Handler, type LocalServer, startLocalServer } from './helpers/local-server.js';
import { CLI, jsonLines, runCli, tempDir } from './helpers/run-cli.js';

const TOKEN = 'cog_orgIdTEST';
let sim: Simulator;
let dir: string;
const servers: LocalServer[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 9, sessions: 3, messagesPerSession: 1 });
  dir = tempDir('devin-tap-org-id-');
});
afterAll(async () => {
  await sim.close();
  for (const server of servers) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(handler: Handler): Promise<LocalServer> {
  const server = await startLocalServer(handler);
  servers.push(server);
  return server;
}

const answer =
  (status: number, body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

const noOrg = (baseUrl: string, token = TOKEN) => parseConfig({ api_token: token, base_url: baseUrl }, {});

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error as Error,
  );
}

describe('resolveOrgId', () => {
  it('asks GET /v3/enterprise/self of the simulator when org_id is not configured', async () => {
    const config = await resolveOrgId(noOrg(sim.baseUrl, sim.token), { env: {} });
    expect(config).toMatchObject({ orgId: sim.config().org_id, orgIdSource: 'api' });
    expect(sim.requestLog.at(-1)?.path).toBe('/v3/enterprise/self');
  });

  it('keeps a configured org_id without asking', async () => {
    const server = await serve(answer(500, {}));
    const configured = parseConfig({ api_token: TOKEN, org_id: 'org-mine', base_url: server.url }, {});
    expect(await resolveOrgId(configured)).toBe(configured);
    expect(server.seen.length).toBe(0);
  });

  it('an answer with org_id null, or a refusal, is the config error naming org_id', async () => {
    const enterprise = await serve(
      answer(200, { service_user_id: 'su-1', service_user_name: 'ent', org_id: null }),
    );
    const error = await failure(resolveOrgId(noOrg(enterprise.url), { env: {} }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /^Invalid config: "org_id" is required: an organization id starting with "org-" or "org_" \(in the config file or DEVIN_ORG_ID\); GET \/v3\/enterprise\/self names no organization/,
    );
    const refusing = await serve(answer(404, { status: 404, title: 'Not Found', detail: 'no such path' }));
    const refused = await failure(resolveOrgId(noOrg(refusing.url), { env: {} }));
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused.message).toMatch(/"org_id" is required: .*GET \/v3\/enterprise\/self could not say/);
    const odd = await serve(answer(200, { org_id: 'acme' }));
    expect((await failure(resolveOrgId(noOrg(odd.url), { env: {} }))).message).toMatch(
      /"org_id" is required/,
    );
  });
});

describe('the commands without org_id', () => {
  const env = () => ({ DEVIN_API_TOKEN: sim.token, DEVIN_BASE_URL: sim.baseUrl });

  it('check finds the organization; doctor and config say where org_id came from', async () => {
    const check = await runCli(CLI, ['check'], { env: env(), cwd: dir });
    const messages = jsonLines(check.stdout);
    for (const message of messages) expect(airbyteMessageErrors(message)).toBeNull();
    expect(messages).toEqual([
      {
        type: 'CONNECTION_STATUS',
        connectionStatus: {
          status: 'SUCCEEDED',
          message: expect.stringMatching(new RegExp(`^Connected to ${sim.config().org_id}: `)),
        },
      },
    ]);
    const doctor = await runCli(CLI, ['doctor', '--json', '--database', join(dir, 'd.duckdb')], {
      env: env(),
      cwd: dir,
    });
    const checks = (JSON.parse(doctor.stdout) as { checks: { check: string; detail: string }[] }).checks;
    expect(checks.find((row) => row.check === 'config')?.detail).toContain(
      `org_id ${sim.config().org_id} from GET /v3/enterprise/self`,
    );
    expect(doctor.code).toBe(0);
    const config = await runCli(CLI, ['config', '--json'], { env: env(), cwd: dir });
    const view = JSON.parse(config.stdout) as { fields: Record<string, unknown>; valid: boolean };
    expect(view.fields.org_id).toEqual({
      value: null,
      source: 'asked of GET /v3/enterprise/self when a command needs it',
    });
    expect(view.valid).toBe(true);
  });

  it('sync against a key with no organization: the config error, no database', async () => {
    const enterprise = await serve(
      answer(200, { service_user_id: 'su', service_user_name: 'e', org_id: null }),
    );
    const database = join(dir, 'none.duckdb');
    const run = await runCli(CLI, ['sync', '--database', database], {
      env: { DEVIN_API_TOKEN: TOKEN, DEVIN_BASE_URL: enterprise.url },
      cwd: dir,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/"org_id" is required: .*DEVIN_ORG_ID.*names no organization/);
    expect(run.stderr).not.toContain('this is a bug');
  });
});
