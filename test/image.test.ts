/**
 * The Airbyte image, run the way the platform and PyAirbyte run it: `spec`; `check` and `discover`
 * with the config mounted read-only; `read --config --catalog --state` against the simulator on the
 * host. Builds the image first (`npm run image`'s script), or uses DEVIN_TAP_IMAGE.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { IMAGE_NAME } from '../scripts/image/build.js';
import { engineSync } from '../scripts/image/engine.js';
import { DOCUMENTATION_URL } from '../src/airbyte/commands.js';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { airbyteMessageErrors, configuredCatalog } from './helpers/airbyte-protocol.js';
import { engineGuard, runImage, type TestImage, testImage } from './helpers/container.js';
import { asTapRecord } from './helpers/destination-records.js';
import { expectedRecords, expectOnlyTrailingWindow, PRIMARY_KEY } from './helpers/ground-truth.js';
import { jsonLines, tempDir, writeJson } from './helpers/run-cli.js';

type Message = JsonObject & { type: string };
const guard = engineGuard(process.env);
if (guard.notice !== null) console.log(guard.notice);
const engine = guard.engine;
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const MB = 1024 * 1024;

function recordsOf(messages: readonly Message[], stream: string): JsonObject[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as JsonObject).stream === stream)
    .map((m) => asTapRecord(stream, (m.record as { data: JsonObject }).data));
}

/** The state the platform passes back: the last STATE of each stream. */
function finalState(messages: readonly Message[]): JsonObject[] {
  const last = new Map<string, JsonObject>();
  for (const m of messages.filter((message) => message.type === 'STATE')) {
    const state = m.state as { stream: { stream_descriptor: { name: string } } } & JsonObject;
    last.set(state.stream.stream_descriptor.name, state);
  }
  return [...last.values()];
}

describe('metadata.yaml', () => {
  it('names the image npm run image builds, the spec documentation URL and the one allowed host', () => {
    const { data } = parse(readFileSync('metadata.yaml', 'utf8')) as { data: Record<string, unknown> };
    expect(data).toMatchObject({
      connectorType: 'source',
      dockerRepository: IMAGE_NAME,
      dockerImageTag: VERSION,
      documentationUrl: DOCUMENTATION_URL,
      allowedHosts: { hosts: ['api.devin.ai'] },
      releaseStage: 'alpha',
      supportLevel: 'community',
    });
    expect(data.definitionId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(DOCUMENTATION_URL).toMatch(/#airbyte-source$/);
    // The anchor the URL names: the Airbyte section of the reference.
    expect(readFileSync('docs/airbyte-and-singer.md', 'utf8')).toMatch(/^## Airbyte source$/m);
    expect(DOCUMENTATION_URL).toContain('docs/airbyte-and-singer.md');
  });
});

describe.skipIf(engine === null)('the Airbyte image, run as the platform runs it', () => {
  let image: TestImage;
  let sim: Simulator;
  let dir: string;

  async function inImage(args: readonly string[]) {
    if (engine === null) throw new Error('unreachable: the suite is skipped without an engine');
    const result = await runImage(engine, image.image, dir, args);
    const messages = jsonLines(result.stdout) as Message[];
    for (const message of messages) expect(airbyteMessageErrors(message), JSON.stringify(message)).toBeNull();
    return { ...result, messages };
  }

  beforeAll(async () => {
    if (engine === null) return;
    image = await testImage(engine, process.env, inject('imageBuild'));
    // The script's own lines (stand-in base, build time, size over the base) for the CI log.
    const said = image.buildLog.split('\n').filter((line) => line.startsWith('image: '));
    if (said.length > 0) console.log(said.join('\n'));
    sim = await startSimulator({ sessions: 25, messagesPerSession: 3, seed: 11, users: 4 });
    dir = tempDir('devin-tap-image-');
    writeJson(dir, 'config.json', { ...sim.config(), page_size: 50 });
    writeJson(
      dir,
      'catalog.json',
      configuredCatalog(STREAM_NAMES, {
        syncMode: (name) => (name === 'users' ? 'full_refresh' : 'incremental'),
      }),
    );
  }, 30 * 60_000);
  afterAll(() => sim?.close());

  it('is non-root, labelled with its version, adds at most 120 MB to its base and answers spec', async () => {
    if (engine === null) return;
    const inspected = engineSync(
      engine,
      ['image', 'inspect', '--format', '{{json .Config}}', image.image],
      30_000,
    );
    const config = JSON.parse(inspected.stdout) as {
      User: string;
      Labels: Record<string, string>;
      Env: string[];
    };
    expect(config.User).not.toMatch(/^(|root|0)(:|$)/);
    expect(config.Labels['io.airbyte.name']).toBe('devin-tap/source-devin');
    expect(config.Labels['io.airbyte.version']).toBe(VERSION);
    expect(config.Env).toContain('AIRBYTE_ENTRYPOINT=node /airbyte/integration_code/dist/src/cli.js');
    // Known whenever the test built it (an image handed in has it only with DEVIN_TAP_IMAGE_BASE).
    if (image.buildLog !== '') expect(image.overBase).not.toBeNull();
    if (image.overBase !== null) expect(image.overBase / MB).toBeLessThanOrEqual(120);
    const spec = await inImage(['spec']);
    expect(spec.code, spec.stderr).toBe(0);
    expect(spec.messages.map((m) => m.type)).toEqual(['SPEC']);
    const body = spec.messages[0]?.spec as { documentationUrl: string; connectionSpecification: JsonObject };
    expect(body.documentationUrl).toMatch(/#airbyte-source$/);
    expect(JSON.stringify(body.connectionSpecification)).toContain('"airbyte_secret":true');
  });

  it('check and discover read the config mounted read-only', async () => {
    const check = await inImage(['check', '--config', '/secrets/config.json']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.messages.map((m) => (m.connectionStatus as JsonObject | undefined)?.status)).toEqual([
      'SUCCEEDED',
    ]);
    const discover = await inImage(['discover', '--config', '/secrets/config.json']);
    expect(discover.code, discover.stderr).toBe(0);
    const catalog = discover.messages.find((m) => m.type === 'CATALOG')?.catalog as { streams: JsonObject[] };
    expect(catalog.streams.map((stream) => stream.name).sort()).toEqual([...STREAM_NAMES].sort());
  });

  it('reads every record exactly against the simulator, then only what is new from the emitted state', async () => {
    writeJson(dir, 'state.json', []);
    const args = ['read', '--config', '/secrets/config.json', '--catalog', '/secrets/catalog.json'];
    const first = await inImage([...args, '--state', '/secrets/state.json']);
    expect(first.code, first.stderr).toBe(0);
    const expected = expectedRecords(sim);
    for (const stream of STREAM_NAMES) {
      const keyOf = PRIMARY_KEY[stream] as (row: JsonObject) => string;
      const rows = recordsOf(first.messages, stream);
      const want = expected[stream] as Map<string, JsonObject>;
      expect(rows.length, stream).toBe(want.size);
      for (const row of rows) expect(row, `${stream} ${keyOf(row)}`).toEqual(want.get(keyOf(row)));
    }
    expect(first.stdout + first.stderr).not.toContain(sim.token);

    const state = finalState(first.messages);
    writeJson(dir, 'state.json', state);
    sim.clearRequestLog();
    const second = await inImage([...args, '--state', '/secrets/state.json']);
    expect(second.code, second.stderr).toBe(0);
    const consumption = state.find(
      (s) =>
        (s.stream as { stream_descriptor: { name: string } }).stream_descriptor.name === 'consumption_daily',
    ) as { stream: { stream_state: JsonObject } };
    expectOnlyTrailingWindow(
      sim,
      (stream) => recordsOf(second.messages, stream),
      Number(consumption.stream.stream_state.cursor),
    );
  });

  it('a bad config is a config_error trace and a non-zero exit', async () => {
    writeJson(dir, 'bad-config.json', { ...sim.config(), page_size: 'many' });
    const read = await inImage([
      'read',
      '--config',
      '/secrets/bad-config.json',
      '--catalog',
      '/secrets/catalog.json',
    ]);
    expect(read.code).not.toBe(0);
    const traces = read.messages.filter((m) => m.type === 'TRACE').map((m) => m.trace as JsonObject);
    const error = traces.find((trace) => trace.type === 'ERROR')?.error as JsonObject | undefined;
    expect(error?.failure_type).toBe('config_error');
    expect(String(error?.message)).toContain('page_size');
  });
});
