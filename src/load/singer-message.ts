import { REREAD_KEY } from '../protocol/singer.js';
import { InputError } from '../tap/errors.js';
import type { RereadScope } from '../tap/events.js';
import { isJsonObject, type JsonObject, type JsonValue, parseJson } from '../tap/json.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../tap/json-depth.js';
import { locateJsonProblem } from './json-error.js';
import { rereadScope } from './reread-scopes.js';

export type SingerMessage =
  | { type: 'SCHEMA'; stream: string; schema: JsonObject; keys: string[]; reread: RereadScope | null }
  | { type: 'RECORD'; stream: string; record: JsonObject; extractedAt: number | null }
  | { type: 'STATE'; value: JsonObject }
  | { type: 'OTHER'; name: string };

function fail(line: number, problem: string): never {
  throw new InputError(`line ${line}: ${problem}`);
}

function kindOf(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function tooDeep(value: JsonValue, line: number, what: string): void {
  if (nestsDeeperThan(value, MAX_JSON_DEPTH))
    fail(line, `${what} nests more than ${MAX_JSON_DEPTH} levels deep`);
}

function streamOf(message: JsonObject, line: number): string {
  if (typeof message.stream !== 'string' || message.stream === '')
    fail(line, `${message.type} without a stream name`);
  return message.stream;
}

function keysOf(message: JsonObject, line: number): string[] {
  const keys = message.key_properties ?? [];
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) {
    fail(line, 'SCHEMA key_properties must be an array of property names');
  }
  return keys as string[];
}

function extractedAt(message: JsonObject): number | null {
  if (typeof message.time_extracted !== 'string') return null;
  const ms = Date.parse(message.time_extracted);
  return Number.isNaN(ms) ? null : ms;
}

/** The scope a devin-tap SCHEMA says its records re-read, or null. */
function rereadOf(message: JsonObject, line: number): RereadScope | null {
  const value = message[REREAD_KEY];
  if (value === undefined) return null;
  const scope = rereadScope(value);
  return typeof scope === 'string' ? fail(line, scope) : scope;
}

/** One line of Singer input (https://hub.meltano.com/singer/spec); throws InputError naming the line. */
export function parseSingerLine(text: string, line: number): SingerMessage {
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch {
    const { character, problem } = locateJsonProblem(text);
    fail(line, `not valid JSON at character ${character} (${problem})`);
  }
  if (!isJsonObject(parsed) || typeof parsed.type !== 'string')
    fail(line, 'not a Singer message (no "type")');
  switch (parsed.type) {
    case 'SCHEMA':
      if (!isJsonObject(parsed.schema)) fail(line, 'SCHEMA without a schema object');
      tooDeep(parsed.schema, line, 'SCHEMA schema');
      return {
        type: 'SCHEMA',
        stream: streamOf(parsed, line),
        schema: parsed.schema,
        keys: keysOf(parsed, line),
        reread: rereadOf(parsed, line),
      };
    case 'RECORD':
      if (!isJsonObject(parsed.record)) fail(line, 'RECORD without a record object');
      return {
        type: 'RECORD',
        stream: streamOf(parsed, line),
        record: parsed.record,
        extractedAt: extractedAt(parsed),
      };
    case 'STATE':
      if (!('value' in parsed)) fail(line, 'STATE without a value');
      // An orchestrator feeds the echoed value back to the tap's --state: only an object can be one.
      if (!isJsonObject(parsed.value))
        fail(line, `STATE value must be a JSON object, not ${kindOf(parsed.value)}`);
      tooDeep(parsed.value, line, 'STATE value');
      return { type: 'STATE', value: parsed.value };
    default:
      return { type: 'OTHER', name: parsed.type };
  }
}
