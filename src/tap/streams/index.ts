import { knowledgeNotes } from './knowledge-notes.js';
import { playbooks } from './playbooks.js';
import { secrets } from './secrets.js';
import { sessionMessages } from './session-messages.js';
import { sessions } from './sessions.js';
import { sessionsInsights } from './sessions-insights.js';
import type { StreamDef } from './stream-def.js';

export type { StreamDef } from './stream-def.js';

/** Every stream, in the order they are read. */
export const STREAMS: readonly StreamDef[] = [
  sessions,
  sessionsInsights,
  sessionMessages,
  playbooks,
  secrets,
  knowledgeNotes,
];

export const STREAM_NAMES: readonly string[] = STREAMS.map((stream) => stream.name);

export function findStream(name: string): StreamDef | undefined {
  return STREAMS.find((stream) => stream.name === name);
}
