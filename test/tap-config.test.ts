import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, parseConfig, readConfigFiles, redact } from '../src/tap/config.js';
import { ConfigError } from '../src/tap/errors.js';
import { thrownBy } from './helpers/errors.js';
import { tempDir } from './helpers/temp-dir.js';

const TOKEN = 'cog_s3cr3tTOKENvalue+/=';
const valid = { api_token: TOKEN, org_id: 'org-abc123' };

function errorOf(run: () => unknown): ConfigError {
  return thrownBy(ConfigError, run);
}

function tempFile(name: string, text: string): string {
  const dir = tempDir('tap-config-');
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('parseConfig', () => {
  it('applies the defaults', () => {
    expect(parseConfig(valid, {})).toEqual({
      apiToken: TOKEN,
      orgId: 'org-abc123',
      orgIdSource: 'config',
      startDate: null,
      baseUrl: 'https://api.devin.ai',
      pageSize: 200,
      maxConcurrency: 32,
      requestTimeoutSeconds: 60,
      maxRetries: 5,
      lookbackWindowSeconds: 3600,
      consumptionHistoryDays: 400,
      metricsHistoryDays: 90,
      auditHistoryDays: 365,
      scope: 'organization',
      orgIds: null,
      maxResponseMb: 256,
      adaptiveConcurrency: true,
    });
  });

  it('reads scope and org_ids (a comma list from the environment), and refuses org_ids at organization scope', () => {
    const enterprise = parseConfig(
      { api_token: TOKEN, scope: 'enterprise' },
      { DEVIN_ORG_IDS: 'org-a, org_b' },
    );
    expect(enterprise.scope).toBe('enterprise');
    expect(enterprise.orgIds).toEqual(['org-a', 'org_b']);
    expect(() => parseConfig({ ...valid, org_ids: ['org-a'] }, {})).toThrow(
      /"org_ids" applies to scope "enterprise" only/,
    );
    expect(() => parseConfig({ ...valid, scope: 'company' }, {})).toThrow(
      /"scope" must be "organization" or "enterprise"/,
    );
    expect(() => parseConfig({ api_token: TOKEN, scope: 'enterprise', org_ids: ['acme'] }, {})).toThrow(
      /"org_ids" must be/,
    );
  });

  it('converts start_date to epoch seconds and trims a trailing slash from base_url', () => {
    const config = parseConfig(
      { ...valid, start_date: '2025-01-02T03:04:05Z', base_url: 'http://127.0.0.1:9/' },
      {},
    );
    expect(config.startDate).toBe(Date.UTC(2025, 0, 2, 3, 4, 5) / 1000);
    expect(config.baseUrl).toBe('http://127.0.0.1:9');
  });

  it('leaves org_id to the API when it is not configured', () => {
    const config = parseConfig({ api_token: TOKEN }, {});
    expect(config.orgId).toBe('');
    expect(config.orgIdSource).toBeUndefined();
    expect(parseConfig({ api_token: TOKEN }, { DEVIN_ORG_ID: 'org-env' })).toMatchObject({
      orgId: 'org-env',
      orgIdSource: 'config',
    });
  });

  it('accepts org_ ids and ignores unknown fields', () => {
    const config = parseConfig({ ...valid, org_id: 'org_x', airbyte_extra: { a: 1 } }, {});
    expect(config.orgId).toBe('org_x');
    expect(Object.keys(config)).not.toContain('airbyte_extra');
  });

  const rules: [string, Record<string, unknown>, RegExp][] = [
    ['missing api_token', { org_id: 'org-1' }, /"api_token" is required: .*cog_.*DEVIN_API_TOKEN/],
    [
      'api_token prefix',
      { ...valid, api_token: 'abc_123' },
      /"api_token" must be a Devin API key starting with "cog_"/,
    ],
    ['api_token type', { ...valid, api_token: 42 }, /"api_token" must be .*\(got a number\)/],
    [
      'org_id prefix',
      { ...valid, org_id: 'organization' },
      /"org_id" must be an organization id starting with "org-" or "org_"/,
    ],
    [
      'start_date format',
      { ...valid, start_date: '2025-01-01' },
      /"start_date" must be a UTC date-time like .*YYYY-MM-DDTHH:MM:SSZ/,
    ],
    [
      'start_date impossible',
      { ...valid, start_date: '2025-02-30T00:00:00Z' },
      /"start_date" .*not a real date/,
    ],
    [
      'base_url scheme',
      { ...valid, base_url: 'ftp://x' },
      /"base_url" must be an http:\/\/ or https:\/\/ URL/,
    ],
    ['base_url unparsable', { ...valid, base_url: 'http://' }, /"base_url" must be an http/],
    ['page_size max', { ...valid, page_size: 201 }, /"page_size" must be an integer from 1 to 200/],
    ['page_size min', { ...valid, page_size: 0 }, /"page_size" must be an integer from 1 to 200/],
    ['page_size fraction', { ...valid, page_size: 1.5 }, /"page_size" must be .*\(got a fractional number\)/],
    [
      'max_concurrency',
      { ...valid, max_concurrency: 65 },
      /"max_concurrency" must be an integer from 1 to 64/,
    ],
    [
      'request_timeout_seconds',
      { ...valid, request_timeout_seconds: 0 },
      /"request_timeout_seconds" must be an integer from 1 to 600/,
    ],
    ['max_retries', { ...valid, max_retries: -1 }, /"max_retries" must be an integer from 0 to 20/],
    [
      'lookback_window_seconds',
      { ...valid, lookback_window_seconds: 'x' },
      /"lookback_window_seconds" must be .*\(got a string\)/,
    ],
    [
      'max_response_mb',
      { ...valid, max_response_mb: 0 },
      /"max_response_mb" must be an integer from 1 to 1024/,
    ],
    [
      'adaptive_concurrency',
      { ...valid, adaptive_concurrency: 'yes' },
      /"adaptive_concurrency" must be true or false \(got a string\)/,
    ],
    [
      'api_token with a zero-width space',
      { ...valid, api_token: `${TOKEN}\u200b` },
      /"api_token" holds a control or invisible character \(character 24\)/,
    ],
    [
      'api_token with a newline',
      { ...valid, api_token: `cog_s3cr3t\nTOKEN` },
      /"api_token" holds a control or invisible character \(character 11\)/,
    ],
  ];
  for (const [name, raw, pattern] of rules) {
    it(`rejects ${name} with a message naming the field`, () => {
      const error = errorOf(() => parseConfig(raw, {}));
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toContain('s3cr3t');
    });
  }

  it('reports every bad field at once', () => {
    const error = errorOf(() => parseConfig({ api_token: TOKEN, org_id: 'x', page_size: 999 }, {}));
    expect(error.message).toMatch(/"org_id".*; "page_size"/);
  });

  it('rejects a non-object', () => {
    expect(errorOf(() => parseConfig([1], {})).message).toMatch(/JSON object/);
  });

  it('never echoes the token, even when it sits in the wrong field', () => {
    const error = errorOf(() => parseConfig({ api_token: 'bad-s3cr3t', org_id: TOKEN }, {}));
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).toMatch(/"api_token".*"org_id"/);
  });

  it('takes DEVIN_<FIELD> variables, which win over the config fields', () => {
    const env = { DEVIN_API_TOKEN: 'cog_fromenv', DEVIN_ORG_ID: 'org-env', DEVIN_PAGE_SIZE: '7' };
    expect(parseConfig({}, env)).toMatchObject({ apiToken: 'cog_fromenv', orgId: 'org-env', pageSize: 7 });
    expect(parseConfig(valid, env)).toMatchObject({ apiToken: 'cog_fromenv', orgId: 'org-env' });
    expect(parseConfig(valid, {})).toMatchObject({ apiToken: TOKEN, orgId: 'org-abc123' });
  });

  it('validates env values too, without echoing them', () => {
    const error = errorOf(() => parseConfig({ org_id: 'org-1' }, { DEVIN_API_TOKEN: 'nope-s3cr3t' }));
    expect(error.message).toMatch(/"api_token" must be/);
    expect(error.message).not.toContain('s3cr3t');
  });
});

describe('readConfigFiles', () => {
  it('merges files, a later file winning, and env fills gaps', () => {
    const first = tempFile('a.json', JSON.stringify({ org_id: 'org-first', page_size: 10 }));
    const second = tempFile('b.json', JSON.stringify({ org_id: 'org-second' }));
    const config = readConfigFiles([first, second], { DEVIN_API_TOKEN: TOKEN });
    expect(config).toMatchObject({ orgId: 'org-second', pageSize: 10, apiToken: TOKEN });
  });

  it('with no files uses the environment only', () => {
    expect(readConfigFiles([], { DEVIN_API_TOKEN: TOKEN, DEVIN_ORG_ID: 'org_e' }).orgId).toBe('org_e');
  });

  it('names a missing file', () => {
    const path = join(tmpdir(), 'no-such-dir-devin-tap', 'config.json');
    expect(errorOf(() => readConfigFiles([path], {})).message).toBe(
      `config file ${path}: cannot be read (no such file)`,
    );
  });

  it('names a file that is not JSON, without quoting its content', () => {
    const path = tempFile('bad.json', `{"api_token": ${TOKEN}}`);
    const error = errorOf(() => readConfigFiles([path], {}));
    expect(error.message).toMatch(/config file .*bad.json: not valid JSON at line 1, column 15$/);
    expect(error.message).not.toContain('s3cr3t');
  });

  it('names a file that holds no object', () => {
    const path = tempFile('list.json', '[]');
    expect(errorOf(() => readConfigFiles([path], {})).message).toMatch(/list.json: must hold a JSON object/);
  });
});

describe('CONFIG_SCHEMA', () => {
  it('marks the token secret and documents start_date', () => {
    const properties = CONFIG_SCHEMA.properties as Record<string, Record<string, unknown>>;
    expect(properties.api_token).toMatchObject({ airbyte_secret: true, pattern: '^cog_' });
    expect(properties.start_date?.examples).toEqual(['2025-01-01T00:00:00Z']);
    expect(CONFIG_SCHEMA.required).toEqual(['api_token']);
  });
});

describe('redact', () => {
  it('removes the configured token and anything shaped like a key', () => {
    const text = `failed with ${TOKEN} and cog_other123`;
    const out = redact(text, { apiToken: TOKEN });
    expect(out).toBe('failed with [REDACTED] and [REDACTED]');
  });
});
