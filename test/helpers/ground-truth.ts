import { expect } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import type { JsonObject } from '../../src/tap/json.js';
import { STREAMS } from '../../src/tap/streams/index.js';
import { expectedOrgScope } from '../org-scope-truth.js';

/** The documented secret metadata fields: all a secrets record may ever hold. */
export const SECRET_FIELDS = [
  'secret_id',
  'key',
  'note',
  'is_sensitive',
  'secret_type',
  'access_type',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
];

/** The window a first read of the consumption streams covers: consumption_history_days before now. */
export function consumptionWindow(historyDays = 400, nowMs = Date.now()) {
  const now = Math.floor(nowMs / 1000);
  return { time_after: now - historyDays * 86_400, time_before: now };
}

const PRODUCT_COLUMNS = {
  devin: 'acus_devin',
  cascade: 'acus_cascade',
  terminal: 'acus_terminal',
  review: 'acus_review',
};

/** A consumption day as the tap emits it: the API's entry plus one column per product (absent = 0). */
export function withProductColumns(entry: JsonObject): JsonObject {
  const products = (entry.acus_by_product ?? {}) as Record<string, number>;
  const columns: JsonObject = {};
  for (const [product, column] of Object.entries(PRODUCT_COLUMNS)) columns[column] = products[product] ?? 0;
  return { ...entry, ...columns };
}

function days(reply: JsonObject): JsonObject[] {
  return (reply.consumption_by_date as JsonObject[]).map(withProductColumns);
}

/** What each stream must yield, computed from the simulator's own data, keyed by primary key. */
export function expectedRecords(
  sim: Simulator,
  window = consumptionWindow(),
): Record<string, Map<string, JsonObject>> {
  const byKey = (rows: Iterable<JsonObject>, key: (row: JsonObject) => string) =>
    new Map([...rows].map((row) => [key(row), row]));
  const sessions = [...sim.sessions()];
  const messages = sessions.flatMap((session) =>
    [...sim.messages(String(session.session_id))].map((message) => ({
      ...message,
      session_id: String(session.session_id),
    })),
  );
  const now = Math.floor(Date.now() / 1000);
  const orgScope = Object.entries(expectedOrgScope(sim, now - 90 * 86_400, now)).map(
    ([stream, rows]) => [stream, byKey(rows, PRIMARY_KEY[stream] ?? String)] as const,
  );
  return {
    ...Object.fromEntries(orgScope),
    sessions: byKey(sessions, (row) => String(row.session_id)),
    sessions_insights: byKey(sim.insights(), (row) => String(row.session_id)),
    session_messages: byKey(messages, messageKey),
    playbooks: byKey(sim.playbooks(), (row) => String(row.playbook_id)),
    secrets: byKey(
      [...sim.secrets()].map((row) => pick(row, SECRET_FIELDS)),
      (row) => String(row.secret_id),
    ),
    knowledge_notes: byKey(sim.knowledgeNotes(), (row) => String(row.note_id)),
    users: byKey(sim.users(), (row) => String(row.user_id)),
    consumption_daily: byKey(days(sim.consumptionDaily(window)), (row) => String(row.date)),
    consumption_by_user: byKey(
      [...sim.users()].flatMap((user) =>
        days(sim.userConsumption(String(user.user_id), window)).map((day) => ({
          ...day,
          user_id: user.user_id ?? null,
        })),
      ),
      userDayKey,
    ),
  };
}

export function userDayKey(row: JsonObject): string {
  return `${String(row.user_id)}/${String(row.date)}`;
}

export function messageKey(row: JsonObject): string {
  return `${String(row.session_id)}/${String(row.event_id)}`;
}

/** Each stream's primary key columns, from the stream definitions: the one table of keys in the suite. */
export const KEY_COLUMNS: Record<string, readonly string[]> = Object.fromEntries(
  STREAMS.map((stream) => [stream.name, stream.primaryKey]),
);

/** Each stream's primary key of a record as one string (columns joined by `/`). */
export const PRIMARY_KEY: Record<string, (row: JsonObject) => string> = Object.fromEntries(
  STREAMS.map((stream) => [
    stream.name,
    (row: JsonObject) => stream.primaryKey.map((column) => String(row[column])).join('/'),
  ]),
);

function pick(row: JsonObject, fields: readonly string[]): JsonObject {
  const picked: JsonObject = {};
  for (const field of fields) {
    const value = row[field];
    if (value !== undefined) picked[field] = value;
  }
  return picked;
}

/**
 * The streams whose records carry a cursor of their own (no time windows): an unchanged
 * organization gives them nothing on a rerun. Derived from the definitions, not a second list.
 */
export const CURSOR_STREAM_NAMES: readonly string[] = STREAMS.filter(
  (stream) => stream.cursorField !== null && stream.paging === undefined,
).map((stream) => stream.name);

/**
 * What an incremental rerun over an unchanged organization reads: nothing of the cursor streams,
 * every member again (users have no timestamps), and of consumption only from 3 days before
 * `bookmark` (the latest billing day the first run saw) on: every window request starts there or later.
 */
export function expectOnlyTrailingWindow(
  sim: Simulator,
  rowsOf: (stream: string) => readonly JsonObject[],
  bookmark: number,
): void {
  for (const stream of CURSOR_STREAM_NAMES) expect(rowsOf(stream), stream).toEqual([]);
  expect(rowsOf('users').length).toBe([...sim.users()].length);
  const from = bookmark - 3 * 86_400;
  const windows = sim.requestLog.filter((entry) => entry.path.includes('/consumption/daily'));
  const starts = new Map<string, number>();
  for (const entry of windows) {
    const after = Number(entry.query.time_after?.[0]);
    expect(after).toBeGreaterThanOrEqual(from);
    starts.set(entry.path, Math.min(starts.get(entry.path) ?? after, after));
  }
  expect(starts.size).toBe(1 + [...sim.users()].length);
  for (const start of starts.values()) expect(start).toBe(from);
  const expected = expectedRecords(sim, { time_after: from, time_before: Math.floor(Date.now() / 1000) + 1 });
  for (const stream of ['consumption_daily', 'consumption_by_user']) {
    const keyOf = PRIMARY_KEY[stream] as (row: JsonObject) => string;
    const rows = rowsOf(stream);
    for (const row of rows) expect(Number(row.date), `${stream} ${keyOf(row)}`).toBeGreaterThanOrEqual(from);
    expect(rows.map(keyOf).sort(), stream).toEqual([...(expected[stream]?.keys() ?? [])].sort());
  }
}
