/**
 * The spec and discovery rules of Airbyte's connector acceptance tests (CAT), each checked against
 * what `devin-tap spec`, `discover` and a full-refresh `read` print. The list is the one in
 * docs/airbyte-and-singer.md ("Acceptance rules"); each rule below names the CAT check it mirrors.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../src/tap/json.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';
import { airbyteMessages, configuredCatalog, recordData } from './helpers/airbyte-protocol.js';
import { CLI, runCli, SINGER_CLI, tempDir, writeJson } from './helpers/run-cli.js';

type Stream = JsonObject & {
  name: string;
  json_schema: JsonObject;
  supported_sync_modes: string[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
};

const AIRBYTE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const SECRET_NAMES = /token|secret|password|passwd|api_?key|credential|private_?key/i;

/** Every value of `key` anywhere in a JSON value. */
function valuesOf(value: JsonValue, key: string): JsonValue[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesOf(item, key));
  if (!isJsonObject(value)) return [];
  return Object.entries(value).flatMap(([name, inner]) => [
    ...(name === key ? [inner] : []),
    ...valuesOf(inner, key),
  ]);
}

/** Every property schema of a JSON schema, nested ones included, with its path. */
function propertiesOf(schema: JsonObject, path = ''): [string, JsonObject][] {
  const own = isJsonObject(schema.properties) ? Object.entries(schema.properties) : [];
  const items = isJsonObject(schema.items) ? propertiesOf(schema.items, `${path}[]`) : [];
  return [
    ...own.flatMap(([name, property]): [string, JsonObject][] =>
      isJsonObject(property)
        ? [[`${path}.${name}`, property], ...propertiesOf(property, `${path}.${name}`)]
        : [],
    ),
    ...items,
  ];
}

function typesOf(property: JsonObject): JsonValue[] {
  return Array.isArray(property.type) ? property.type : property.type === undefined ? [] : [property.type];
}

function draft7(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv;
}

let sim: Simulator;
let config: string;
let spec: JsonObject;
let streams: Stream[];

beforeAll(async () => {
  sim = await startSimulator({ sessions: 15, messagesPerSession: 2, seed: 41, users: 4 });
  const dir = tempDir('cat-rules-');
  config = writeJson(dir, 'config.json', sim.config());
  const specOut = airbyteMessages((await runCli(CLI, ['spec'])).stdout);
  spec = ((specOut[0]?.spec ?? {}) as JsonObject).connectionSpecification as JsonObject;
  const discovered = airbyteMessages((await runCli(CLI, ['discover', '--config', config])).stdout);
  streams = (discovered[0]?.catalog?.streams ?? []) as Stream[];
});
afterAll(() => sim.close());

describe('CAT spec rules', () => {
  it('is a valid JSON Schema draft-07 (test_match_protocol / spec validity)', () => {
    expect(spec.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = draft7();
    expect(ajv.validateSchema(spec), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('gives every property one type, never a list (test_property_type_is_not_array)', () => {
    for (const [path, property] of propertiesOf(spec)) {
      expect(typeof property.type, path).toBe('string');
      expect(AIRBYTE_TYPES.has(String(property.type)), path).toBe(true);
    }
  });

  it('marks every field that may hold a secret airbyte_secret (test_secret_is_properly_marked)', () => {
    const secrets = propertiesOf(spec).filter(([path]) => SECRET_NAMES.test(path));
    expect(secrets.map(([path]) => path)).toEqual(['.api_token']);
    for (const [path, property] of secrets) expect(property.airbyte_secret, path).toBe(true);
  });

  it('requires only declared fields; orders unique (test_required / test_duplicate_order)', () => {
    const properties = spec.properties as Record<string, JsonObject>;
    for (const field of spec.required as string[]) expect(properties).toHaveProperty(field);
    const orders = Object.values(properties).map((property) => property.order);
    expect(new Set(orders).size).toBe(orders.length);
  });

  it('has no $ref, no allOf/anyOf/not, additionalProperties only true (test_defined_refs_exist_in_json_spec_file, test_forbidden_complex_types, test_additional_properties_is_true)', () => {
    for (const keyword of ['$ref', 'allOf', 'anyOf', 'not'])
      expect(valuesOf(spec, keyword), keyword).toEqual([]);
    expect(valuesOf(spec, 'additionalProperties').every((value) => value === true)).toBe(true);
  });

  it('holds only source fields: no target or report field, in Singer settings neither (devin-tap rule)', async () => {
    const about = JSON.parse((await runCli(SINGER_CLI, ['--about'])).stdout) as { settings: JsonObject };
    for (const properties of [spec.properties, about.settings.properties] as JsonObject[]) {
      expect(properties).toHaveProperty('api_token');
      expect(properties).not.toHaveProperty('duckdb_memory_limit');
      expect(properties).not.toHaveProperty('acu_price_usd');
    }
  });
});

describe('CAT discovery rules', () => {
  it('lists every stream once, named [a-z0-9_] (test_discover, stream names)', () => {
    expect(streams.map((stream) => stream.name)).toEqual(STREAM_NAMES);
    for (const stream of streams) expect(stream.name).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('gives each stream a valid draft-07 schema with no $ref (test_defined_refs_exist_in_schema)', () => {
    const ajv = draft7();
    for (const stream of streams) {
      expect(ajv.validateSchema(stream.json_schema), `${stream.name}: ${JSON.stringify(ajv.errors)}`).toBe(
        true,
      );
      expect(valuesOf(stream.json_schema, '$ref'), stream.name).toEqual([]);
      for (const keyword of ['allOf', 'not'])
        expect(valuesOf(stream.json_schema, keyword), stream.name).toEqual([]);
    }
  });

  it('types each property with Airbyte types, unambiguously (test_catalog_has_supported_data_types)', () => {
    for (const stream of streams) {
      for (const [path, property] of propertiesOf(stream.json_schema)) {
        const where = `${stream.name}${path}`;
        const types = typesOf(property);
        for (const type of types) expect(AIRBYTE_TYPES.has(String(type)), where).toBe(true);
        expect(new Set(types).size, `${where}: duplicate types`).toBe(types.length);
        // One type (or one and null); a value of several shapes leaves type out: a JSON column.
        expect(types.filter((type) => type !== 'null').length, where).toBeLessThanOrEqual(1);
        if (property.airbyte_type === 'timestamp_with_timezone') {
          expect(
            types.filter((type) => type !== 'null'),
            where,
          ).toEqual(['string']);
          expect(property.format, where).toBe('date-time');
        }
        if (property.format === 'date-time' || property.format === 'date')
          expect(
            types.filter((type) => type !== 'null'),
            where,
          ).toEqual(['string']);
      }
    }
  });

  it('has additionalProperties only true (test_additional_properties_is_true)', () => {
    for (const stream of streams)
      expect(
        valuesOf(stream.json_schema, 'additionalProperties').every((value) => value === true),
        stream.name,
      ).toBe(true);
  });

  it('declares primary keys that exist, scalar (test_primary_keys_exist_in_schema, test_primary_keys_data_type)', () => {
    for (const stream of streams) {
      const properties = stream.json_schema.properties as Record<string, JsonObject>;
      expect(stream.source_defined_primary_key?.length, stream.name).toBeGreaterThan(0);
      for (const key of stream.source_defined_primary_key ?? []) {
        const property = properties[key[0] ?? ''];
        expect(property, `${stream.name}.${key}`).toBeDefined();
        for (const type of typesOf(property ?? {})) expect(['object', 'array']).not.toContain(type);
      }
    }
  });

  it('declares cursors only where there is one, in the schema (test_defined_cursors_exist_in_schema)', () => {
    for (const stream of streams) {
      const properties = stream.json_schema.properties as Record<string, JsonObject>;
      expect(stream.supported_sync_modes.length, stream.name).toBeGreaterThan(0);
      if (stream.supported_sync_modes.includes('incremental')) {
        expect(stream.source_defined_cursor, stream.name).toBe(true);
        expect(stream.default_cursor_field?.length, stream.name).toBe(1);
        for (const field of stream.default_cursor_field ?? [])
          expect(properties, stream.name).toHaveProperty(field);
      } else {
        // users and the other full-refresh streams: no source-defined cursor, no (empty) cursor field.
        expect(stream.source_defined_cursor ?? false, stream.name).toBe(false);
        expect(stream.default_cursor_field ?? [], stream.name).toEqual([]);
      }
    }
  });

  it('reads records that match their discovered schema, formats included (basic read: validate_schema)', async () => {
    const dir = tempDir('cat-read-');
    const catalog = writeJson(
      dir,
      'catalog.json',
      configuredCatalog(STREAM_NAMES, { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' }),
    );
    const result = await runCli(CLI, ['read', '--config', config, '--catalog', catalog]);
    expect(result.code, result.stderr).toBe(0);
    const messages = airbyteMessages(result.stdout);
    const ajv = draft7();
    for (const stream of streams) {
      const validate = ajv.compile(stream.json_schema);
      const records = recordData(messages, stream.name);
      for (const record of records)
        expect(
          validate(record) ? null : validate.errors,
          `${stream.name} ${JSON.stringify(record).slice(0, 80)}`,
        ).toBeNull();
    }
  });
});
