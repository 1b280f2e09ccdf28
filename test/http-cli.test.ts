import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { airbyteMessages, configuredCatalog, recordData } from './helpers/airbyte-protocol.js';
import { databaseRows } from './helpers/database-rows.js';
import { closedPort, type LocalServer, startLocalServer } from './helpers/local-server.js';
import { CLI, type CliResult, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';

const TLS = resolve('test/fixtures/tls');
const REJECTED = 'cog_rejectedCliTOKEN';
const REJECTED_MESSAGE = 'the API token was rejected (HTTP 401); check api_token or DEVIN_API_TOKEN';

let sim: Simulator;
const dir = tempDir('devin-tap-http-cli-');
const catalog = writeJson(
  dir,
  'catalog.json',
  configuredCatalog(STREAM_NAMES, { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }),
);

beforeAll(async () => {
  sim = await startSimulator({ sessions: 6, messagesPerSession: 2, playbooks: 4, seed: 91 });
});
afterAll(() => sim.close());

function config(extra: Record<string, unknown>): string {
  return writeJson(dir, `config-${Math.random().toString(36).slice(2)}.json`, { ...sim.config(), ...extra });
}

/** One clear message: non-zero exit, no stack trace, no secret. */
function expectOneMessage(run: CliResult, message: string, secrets: readonly string[]): void {
  expect(run.code).not.toBe(0);
  const everything = run.stdout + run.stderr;
  expect(everything.split(message).length - 1).toBe(1);
  expect(everything).not.toMatch(/\n\s+at /);
  for (const secret of secrets) expect(everything).not.toContain(secret);
}

describe('a rejected token ends the run at once, with one message, in every mode', () => {
  it('Airbyte read: one ERROR trace and no record', async () => {
    const run = await runCli(CLI, [
      'read',
      '--config',
      config({ api_token: REJECTED }),
      '--catalog',
      catalog,
    ]);
    expectOneMessage(run, REJECTED_MESSAGE, [REJECTED]);
    const messages = airbyteMessages(run.stdout);
    expect(messages.filter((message) => message.type === 'RECORD')).toEqual([]);
    const traces = messages.filter((message) => message.trace?.error);
    expect(traces.map((message) => message.trace?.error?.failure_type)).toEqual(['config_error']);
  });

  it('Singer tap: one line on stderr', async () => {
    const run = await runCli(SINGER_CLI, ['--config', config({ api_token: REJECTED })]);
    expectOneMessage(run, REJECTED_MESSAGE, [REJECTED]);
    expect(run.stdout).not.toContain('"RECORD"');
  });

  it('sync: one message and no database file', async () => {
    const database = join(dir, 'rejected.duckdb');
    const run = await runCli(CLI, [
      'sync',
      '--config',
      config({ api_token: REJECTED }),
      '--database',
      database,
    ]);
    expectOneMessage(run, REJECTED_MESSAGE, [REJECTED]);
    expect(existsSync(database)).toBe(false);
  });

  it('check: one CONNECTION_STATUS that says so', async () => {
    const run = await runCli(CLI, ['check', '--config', config({ api_token: REJECTED })]);
    const [status, ...rest] = airbyteMessages(run.stdout);
    expect(rest).toEqual([]);
    expect(status?.connectionStatus).toEqual({ status: 'FAILED', message: REJECTED_MESSAGE });
  });
});

describe('sync makes one preflight request before it touches the database', () => {
  it('an unreachable base_url: one clear error, few lines, no database; an existing one untouched', async () => {
    const port = await closedPort();
    const base = `http://user:s3cretpass@127.0.0.1:${port}`;
    const cfg = config({ base_url: base, max_retries: 1 });
    const database = join(dir, 'unreachable.sqlite');
    const run = await runCli(CLI, ['sync', '--config', cfg, '--target', 'sqlite', '--database', database]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^devin-tap: cannot reach the Devin API at http://\\[REDACTED\\]@127\\.0\\.0\\.1:${port}: \\w+: GET /v3/organizations/org-sim\\w+/\\S+ failed after 2 attempts \\(last: connection failed \\(ECONNREFUSED\\)\\)$`,
        ),
      ),
    ]);
    expect(run.stderr).not.toContain('s3cretpass');
    expect(existsSync(database)).toBe(false);

    writeFileSync(database, '');
    const before = statSync(database).mtimeMs;
    const again = await runCli(CLI, ['sync', '--config', cfg, '--target', 'sqlite', '--database', database]);
    expect(again.code).toBe(1);
    expect(statSync(database).mtimeMs).toBe(before);
    expect(statSync(database).size).toBe(0);
  });

  it('a base_url that answers 302: the other server receives nothing, no database', async () => {
    let elsewhere: LocalServer | null = null;
    let redirecting: LocalServer | null = null;
    try {
      elsewhere = await startLocalServer((_req, res) => res.end('{}'));
      const target = elsewhere.url;
      redirecting = await startLocalServer((req, res) => {
        res.writeHead(302, { location: `${target}${req.url ?? ''}` });
        res.end();
      });
      const database = join(dir, 'redirected.duckdb');
      const run = await runCli(CLI, [
        'sync',
        '--config',
        config({ base_url: redirecting.url }),
        '--database',
        database,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(
          `^devin-tap: the API answered 302 to ${target}/v3/\\S+ on GET /v3/\\S+; check base_url`,
          'm',
        ),
      );
      expect(elsewhere.seen.length).toBe(0);
      expect(existsSync(database)).toBe(false);
    } finally {
      await elsewhere?.close();
      await redirecting?.close();
    }
  });
});

describe('config errors the HTTP layer would hit', () => {
  it('a token with a zero-width space is a config error naming api_token, never echoing it', async () => {
    const token = `${sim.token}\u200b`;
    sim.clearRequestLog();
    for (const args of [['check'], ['sync', '--database', join(dir, 'zw.duckdb')]]) {
      const run = await runCli(CLI, [...args, '--config', config({ api_token: token })]);
      expect(run.stdout + run.stderr).toMatch(
        /\\?"api_token\\?" holds a control or invisible character \(character \d+\)/,
      );
      expect(run.stdout + run.stderr).not.toContain(sim.token);
      expect(sim.requestLog).toEqual([]); // nothing was sent
    }
    expect(existsSync(join(dir, 'zw.duckdb'))).toBe(false);
  });
});

describe('the token echoed inside response data never leaves', () => {
  it('no output and no row holds it', async () => {
    // In front of the simulator: every playbook title carries the token.
    const echo = await startLocalServer((req, res) => {
      const upstream = httpRequest(`${sim.baseUrl}${req.url ?? ''}`, { headers: req.headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(chunks)
            .toString('utf8')
            .replace(/"title":"/g, `"title":"leaked ${sim.token} `);
          res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
          res.end(text);
        });
      });
      upstream.end();
    });
    try {
      const cfg = config({ base_url: echo.url });
      const read = await runCli(CLI, ['read', '--config', cfg, '--catalog', catalog]);
      expect(read.code).toBe(0);
      expect(recordData(airbyteMessages(read.stdout), 'playbooks')).toHaveLength(4);
      expect(read.stdout).toContain('leaked [REDACTED]');
      expect(read.stdout + read.stderr).not.toContain(sim.token);
      const database = join(dir, 'echo.sqlite');
      const sync = await runCli(CLI, ['sync', '--config', cfg, '--target', 'sqlite', '--database', database]);
      expect(sync.code).toBe(0);
      const rows = await databaseRows('sqlite', database, 'playbooks');
      expect(rows.length).toBe(4);
      expect(JSON.stringify(rows)).toContain('leaked [REDACTED]');
      expect(readFileSync(database).includes(sim.token)).toBe(false);
    } finally {
      await echo.close();
    }
  });
});

describe("the simulator's echoToken mode: the token in a session title, a message, a playbook, a note, a name", () => {
  it('no Airbyte output and no row of either database holds it', async () => {
    const echo = await startSimulator({
      sessions: 6,
      messagesPerSession: 2,
      playbooks: 4,
      knowledgeNotes: 3,
      seed: 92,
      hostile: { echoToken: true },
    });
    try {
      const cfg = writeJson(dir, 'config-echo-sim.json', echo.config());
      const read = await runCli(CLI, ['read', '--config', cfg, '--catalog', catalog]);
      expect(read.code, read.stderr).toBe(0);
      expect(recordData(airbyteMessages(read.stdout), 'sessions')).toHaveLength(6);
      expect(read.stdout).toContain('[REDACTED]');
      expect(read.stdout + read.stderr).not.toContain(echo.token);
      for (const kind of ['sqlite', 'duckdb'] as const) {
        const database = join(dir, `echo-sim.${kind}`);
        const args = [
          '--config',
          cfg,
          '--target',
          kind,
          '--database',
          database,
          '--streams',
          STREAM_NAMES.join(','),
        ];
        const sync = await runCli(CLI, ['sync', ...args]);
        expect(sync.code, sync.stderr).toBe(0);
        expect(sync.stdout + sync.stderr).not.toContain(echo.token);
        let rows = 0;
        for (const stream of STREAM_NAMES) {
          const stored = await databaseRows(kind, database, stream);
          rows += stored.length;
          expect(JSON.stringify(stored), `${kind} ${stream}`).not.toContain(echo.token);
        }
        expect(rows).toBeGreaterThan(0);
      }
    } finally {
      await echo.close();
    }
  });
});

describe('proxies', () => {
  let https: HttpsServer;
  const tunnels: string[] = [];

  beforeAll(async () => {
    // An HTTPS front for the simulator (a self-signed localhost certificate, trusted through
    // NODE_EXTRA_CA_CERTS), and a CONNECT proxy that records each tunnel.
    https = createHttpsServer(
      { key: readFileSync(join(TLS, 'localhost.key')), cert: readFileSync(join(TLS, 'localhost.crt')) },
      (req, res) => {
        const upstream = httpRequest(`${sim.baseUrl}${req.url ?? ''}`, { headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.end();
      },
    );
    await new Promise<void>((done) => https.listen(0, '127.0.0.1', done));
  });
  afterAll(async () => {
    https.closeAllConnections();
    await new Promise<void>((done) => https.close(() => done()));
  });

  it('with HTTPS_PROXY set, requests go through the CONNECT proxy; NO_PROXY bypasses it', async () => {
    const { port: httpsPort } = https.address() as AddressInfo;
    const connectProxy = await startConnectProxy(tunnels);
    try {
      const cfg = config({ base_url: `https://localhost:${httpsPort}` });
      const env = { HTTPS_PROXY: connectProxy.url, NODE_EXTRA_CA_CERTS: join(TLS, 'localhost.crt') };
      const run = await runCli(CLI, ['check', '--config', cfg], { env });
      const [status] = airbyteMessages(run.stdout);
      expect(status?.connectionStatus?.status).toBe('SUCCEEDED');
      expect(tunnels).toContain(`localhost:${httpsPort}`);

      tunnels.length = 0;
      const bypass = await runCli(CLI, ['check', '--config', cfg], {
        env: { ...env, NO_PROXY: 'localhost' },
      });
      const [direct] = airbyteMessages(bypass.stdout);
      expect(direct?.connectionStatus?.status).toBe('SUCCEEDED');
      expect(tunnels).toEqual([]);
    } finally {
      await connectProxy.close();
    }
  });

  it('with HTTP_PROXY set, a plain http base_url is tunnelled through the proxy too', async () => {
    const connectProxy = await startConnectProxy(tunnels);
    tunnels.length = 0;
    try {
      const origin = new URL(sim.baseUrl);
      const run = await runCli(CLI, ['read', '--config', config({}), '--catalog', catalog], {
        env: { HTTP_PROXY: connectProxy.url },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(recordData(airbyteMessages(run.stdout), 'playbooks')).toHaveLength(4);
      expect(tunnels.length).toBeGreaterThan(0);
      expect(new Set(tunnels)).toEqual(new Set([origin.host]));
    } finally {
      await connectProxy.close();
    }
  });
});

/** An HTTP proxy that only tunnels (CONNECT), recording each target. */
async function startConnectProxy(tunnels: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req, client, head) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host === 'localhost' ? '127.0.0.1' : (host ?? ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
