import { describe, expect, it } from 'vitest';
import { streamSchema } from '../src/tap/catalog.js';
import type { JsonValue } from '../src/tap/json.js';
import { STREAMS } from '../src/tap/streams/index.js';
import { COLUMN_TYPES, columnKind, existingColumnKind } from '../src/targets/column-types.js';
import { tableLayout } from '../src/targets/table-layout.js';

describe('column type table', () => {
  it.each([
    ['title', { type: 'string' }, 'string', 'VARCHAR', 'TEXT'],
    ['count', { type: 'integer' }, 'integer', 'BIGINT', 'INTEGER'],
    ['acus', { type: 'number' }, 'number', 'DOUBLE', 'REAL'],
    ['ok', { type: 'boolean' }, 'boolean', 'BOOLEAN', 'INTEGER'],
    ['tags', { type: 'array' }, 'json', 'JSON', 'TEXT'],
    ['meta', { type: ['object', 'null'] }, 'json', 'JSON', 'TEXT'],
    ['created_at', { type: 'integer' }, 'timestamp', 'TIMESTAMPTZ', 'INTEGER'],
    ['updated_at', { type: ['null', 'integer'] }, 'timestamp', 'TIMESTAMPTZ', 'INTEGER'],
    ['started_at', { type: 'string', format: 'date-time' }, 'string', 'VARCHAR', 'TEXT'],
    ['name', { type: ['string', 'null'] }, 'string', 'VARCHAR', 'TEXT'],
    ['mixed', { type: ['string', 'integer'] }, 'json', 'JSON', 'TEXT'],
    ['untyped', {}, 'json', 'JSON', 'TEXT'],
    ['anyof', { anyOf: [{ type: 'string' }] }, 'json', 'JSON', 'TEXT'],
    ['weird', { type: 'date' }, 'json', 'JSON', 'TEXT'],
    ['only_null', { type: 'null' }, 'json', 'JSON', 'TEXT'],
  ] as const)('%s %j -> %s (%s / %s)', (name, property, kind, duckdb, sqlite) => {
    const resolved = columnKind(name, property as JsonValue);
    expect(resolved).toBe(kind);
    expect(COLUMN_TYPES[resolved]).toEqual({ duckdb, sqlite });
  });

  it('keeps the type of an existing column', () => {
    expect(existingColumnKind('duckdb', 'TIMESTAMP WITH TIME ZONE', 'string')).toBe('timestamp');
    expect(existingColumnKind('duckdb', 'VARCHAR', 'integer')).toBe('string');
    expect(existingColumnKind('sqlite', 'TEXT', 'json')).toBe('json');
    expect(existingColumnKind('sqlite', 'TEXT', 'integer')).toBe('string');
    expect(existingColumnKind('sqlite', 'INTEGER', 'timestamp')).toBe('timestamp');
    expect(existingColumnKind('sqlite', 'INTEGER', undefined)).toBe('integer');
  });

  it('maps every catalog stream: keys are columns, secrets have no _extra', () => {
    for (const stream of STREAMS) {
      const schema = streamSchema(stream.name);
      const layout = tableLayout('duckdb', { name: stream.name, schema, keys: stream.primaryKey }, []);
      const names = layout.columns.map((column) => column.name);
      expect(names).toEqual(Object.keys(schema.properties as object));
      expect(layout.hasExtra).toBe(stream.name !== 'secrets');
      const created = layout.columns.find((column) => column.name === 'created_at');
      if (created) expect(created.kind).toBe('timestamp');
    }
  });

  it('leaves names that collide case-insensitively or with metadata columns to _extra', () => {
    const layout = tableLayout(
      'sqlite',
      {
        name: 't',
        schema: { properties: { Id: {}, id: {}, _extra: {}, _EXTRACTED_AT: {}, '': {} } },
        keys: [],
      },
      [],
    );
    expect(layout.columns.map((column) => column.name)).toEqual(['Id']);
  });

  it('refuses reserved table names and keys missing from the schema', () => {
    expect(() => tableLayout('sqlite', { name: '_devin_tap_state', schema: {}, keys: [] }, [])).toThrow(
      /cannot be used as a table name/,
    );
    expect(() => tableLayout('sqlite', { name: 't', schema: { properties: {} }, keys: ['id'] }, [])).toThrow(
      /key property "id" is not in its schema/,
    );
  });
});
