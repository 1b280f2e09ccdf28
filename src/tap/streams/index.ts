import { consumptionByUser } from './consumption-by-user.js';
import { consumptionDaily } from './consumption-daily.js';
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

export const STREAM_NAMES: readonly string[] = STREAMS.map((stream) => stream.name);

export function findStream(name: string): StreamDef | undefined {
  return STREAMS.find((stream) => stream.name === name);
}
