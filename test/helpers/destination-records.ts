/**
 * Records as destinations receive them (Airbyte RECORD data, Singer RECORD record): every time field
 * the catalog marks is an ISO 8601 UTC string of whole seconds (or null). `asTapRecord` checks that
 * and turns the record back into the tap's epoch seconds, so a test compares it exactly with the
 * simulator's own data: the instant, not only the format.
 */
import { expect } from 'vitest';
import { streamSchema } from '../../src/tap/catalog.js';
import type { JsonObject } from '../../src/tap/json.js';
import { ALL_STREAM_NAMES as STREAM_NAMES } from '../../src/tap/streams/index.js';
import { timestampFields } from '../../src/tap/timestamps.js';

export const ISO_SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Each stream's time fields, from catalog/<stream>.json. */
export function timeFields(stream: string): string[] {
  return STREAM_NAMES.includes(stream) ? timestampFields(streamSchema(stream)) : [];
}

/** The record with its time fields as epoch seconds; fails unless each is null or an ISO instant. */
export function asTapRecord(stream: string, record: JsonObject): JsonObject {
  const fields = timeFields(stream).filter((field) => record[field] !== undefined && record[field] !== null);
  if (fields.length === 0) return record;
  const converted: JsonObject = { ...record };
  for (const field of fields) {
    const value = record[field];
    expect(value, `${stream}.${field}`).toMatch(ISO_SECOND);
    converted[field] = Date.parse(String(value)) / 1000;
  }
  return converted;
}
