import type { Simulator } from '../../src/simulator/index.js';
import type { JsonObject } from '../../src/tap/json.js';

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

/** What each stream must yield, computed from the simulator's own data, keyed by primary key. */
export function expectedRecords(sim: Simulator): Record<string, Map<string, JsonObject>> {
  const byKey = (rows: Iterable<JsonObject>, key: (row: JsonObject) => string) =>
    new Map([...rows].map((row) => [key(row), row]));
  const sessions = [...sim.sessions()];
  const messages = sessions.flatMap((session) =>
    [...sim.messages(String(session.session_id))].map((message) => ({
      ...message,
      session_id: String(session.session_id),
    })),
  );
  return {
    sessions: byKey(sessions, (row) => String(row.session_id)),
    sessions_insights: byKey(sim.insights(), (row) => String(row.session_id)),
    session_messages: byKey(messages, messageKey),
    playbooks: byKey(sim.playbooks(), (row) => String(row.playbook_id)),
    secrets: byKey(
      [...sim.secrets()].map((row) => pick(row, SECRET_FIELDS)),
      (row) => String(row.secret_id),
    ),
    knowledge_notes: byKey(sim.knowledgeNotes(), (row) => String(row.note_id)),
  };
}

export function messageKey(row: JsonObject): string {
  return `${String(row.session_id)}/${String(row.event_id)}`;
}

export const PRIMARY_KEY: Record<string, (row: JsonObject) => string> = {
  sessions: (row) => String(row.session_id),
  sessions_insights: (row) => String(row.session_id),
  session_messages: messageKey,
  playbooks: (row) => String(row.playbook_id),
  secrets: (row) => String(row.secret_id),
  knowledge_notes: (row) => String(row.note_id),
};

function pick(row: JsonObject, fields: readonly string[]): JsonObject {
  const picked: JsonObject = {};
  for (const field of fields) {
    const value = row[field];
    if (value !== undefined) picked[field] = value;
  }
  return picked;
}
