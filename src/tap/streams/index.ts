import { consumptionByUser } from './consumption-by-user.js';
import { consumptionDaily } from './consumption-daily.js';
import { ENTERPRISE_STREAMS } from './enterprise/index.js';
import { idpUsers } from './idp-users.js';
import { knowledgeNotes } from './knowledge-notes.js';
import { metricsActiveUsers } from './metrics-active-users.js';
import { metricsPrs } from './metrics-prs.js';
import { metricsSearches } from './metrics-searches.js';
import { metricsSessions } from './metrics-sessions.js';
import { playbooks } from './playbooks.js';
import { repositories } from './repositories.js';
import { schedules } from './schedules.js';
import { secrets } from './secrets.js';
import { sessionAttachments } from './session-attachments.js';
import { sessionMessages } from './session-messages.js';
import { sessions } from './sessions.js';
import { sessionsInsights } from './sessions-insights.js';
import type { StreamDef } from './stream-def.js';
import { users } from './users.js';

export type {
  ArrayPaging,
  BindRule,
  OffsetPaging,
  Paging,
  ParentLink,
  PeriodUnit,
  SpreadRule,
  StreamDef,
  WindowAnswer,
  WindowPaging,
  WindowPart,
} from './stream-def.js';

/** Every stream, in the order they are read (a parent before its children). */
export const STREAMS: readonly StreamDef[] = [
  sessions,
  sessionsInsights,
  sessionMessages,
  playbooks,
  secrets,
  knowledgeNotes,
  users,
  consumptionDaily,
  consumptionByUser,
  idpUsers,
  schedules,
  repositories,
  sessionAttachments,
  metricsActiveUsers,
  metricsPrs,
  metricsSessions,
  metricsSearches,
];

export { ENTERPRISE_STREAMS } from './enterprise/index.js';

/** The streams of the organization scope (the default). */
export const STREAM_NAMES: readonly string[] = STREAMS.map((stream) => stream.name);

export type StreamScope = 'organization' | 'enterprise';

/** The streams one scope reads (an enterprise reads the org streams' names through its own endpoints). */
export function streamsOf(scope: StreamScope = 'organization'): readonly StreamDef[] {
  return scope === 'enterprise' ? ENTERPRISE_STREAMS : STREAMS;
}

export function streamNamesOf(scope: StreamScope = 'organization'): readonly string[] {
  return streamsOf(scope).map((stream) => stream.name);
}

/** Every stream name of either scope (a database's tables, the progress display's widths). */
export const ALL_STREAM_NAMES: readonly string[] = [
  ...new Set([...STREAM_NAMES, ...ENTERPRISE_STREAMS.map((stream) => stream.name)]),
];

/** Streams only an enterprise read has (named in help texts beside the organization's). */
export const ENTERPRISE_ONLY_NAMES: readonly string[] = ENTERPRISE_STREAMS.map(
  (stream) => stream.name,
).filter((name) => !STREAM_NAMES.includes(name));

export function findStream(name: string, scope: StreamScope = 'organization'): StreamDef | undefined {
  return streamsOf(scope).find((stream) => stream.name === name);
}
