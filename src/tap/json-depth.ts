import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

/**
 * How deep a record's values may nest. JSON.parse takes any depth, but JSON.stringify,
 * structuredClone (the database worker's messages) and SQLite's JSON functions (1,000) recurse:
 * deeper input would exhaust the stack. No API record comes near this.
 */
export const MAX_JSON_DEPTH = 256;

/** Whether `value` nests arrays or objects more than `budget` deep. */
function deeper(value: JsonValue, budget: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (budget === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (deeper(item, budget - 1)) return true;
    return false;
  }
  for (const key in value) if (deeper(value[key] as JsonValue, budget - 1)) return true;
  return false;
}

/**
 * Whether `value` nests more than `max` arrays or objects deep. It recurses at most `max` + 1
 * calls deep whatever the input, and allocates nothing: it runs on every record.
 */
export function nestsDeeperThan(value: JsonValue, max: number): boolean {
  return deeper(value, max);
}

interface Frame {
  readonly entries: readonly [string | null, JsonValue][];
  index: number;
  readonly close: string;
}

/** JSON.stringify without recursion: the text of a value of any depth. */
export function jsonText(value: JsonValue): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (current: JsonValue): void => {
    if (Array.isArray(current)) {
      out.push('[');
      stack.push({ entries: current.map((item) => [null, item]), index: 0, close: ']' });
    } else if (isJsonObject(current)) {
      out.push('{');
      stack.push({ entries: Object.entries(current), index: 0, close: '}' });
    } else out.push(JSON.stringify(current));
  };
  open(value);
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const entry = top.entries[top.index];
    if (entry === undefined) {
      out.push(top.close);
      stack.pop();
      continue;
    }
    if (top.index > 0) out.push(',');
    top.index += 1;
    if (entry[0] !== null) out.push(`${JSON.stringify(entry[0])}:`);
    open(entry[1]);
  }
  return out.join('');
}

/** The reason a record nests too deep to store, or null. */
export function depthProblem(record: JsonObject): string | null {
  return nestsDeeperThan(record, MAX_JSON_DEPTH)
    ? `a value nests more than ${MAX_JSON_DEPTH} levels deep`
    : null;
}

/**
 * A too-deep record made storable (as a rejected record): each field nesting too deep becomes its
 * JSON text, the others stay as they are. Nothing is dropped.
 */
export function shallowRecord(record: JsonObject): JsonObject {
  const shallow: JsonObject = {};
  for (const [name, value] of Object.entries(record)) {
    shallow[name] = nestsDeeperThan(value, MAX_JSON_DEPTH - 1) ? jsonText(value) : value;
  }
  return shallow;
}
