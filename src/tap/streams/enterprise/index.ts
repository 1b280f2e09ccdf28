import type { StreamDef } from '../stream-def.js';
import { acuLimits } from './acu-limits.js';
import { auditLogs } from './audit-logs.js';
import { billingCycles } from './billing-cycles.js';
import { consumptionByOrg } from './consumption-by-org.js';
import { consumptionByServiceUser } from './consumption-by-service-user.js';
import { consumptionByUser } from './consumption-by-user.js';
import { consumptionDaily } from './consumption-daily.js';
import { idpGroups } from './idp-groups.js';
import { idpUsers } from './idp-users.js';
import { knowledgeNotes } from './knowledge-notes.js';
import { metricsCategories } from './metrics-categories.js';
import { organizations } from './organizations.js';
import { PER_ORG_STREAMS } from './per-org-streams.js';
import { playbooks } from './playbooks.js';
import { roles } from './roles.js';
import { serviceUsers } from './service-users.js';
import { sessionAttachments } from './session-attachments.js';
import { sessionMessages } from './session-messages.js';
import { sessions } from './sessions.js';
import { sessionsInsights } from './sessions-insights.js';
import { users } from './users.js';

/** Every stream of an enterprise read, in the order they are read (a parent before its children). */
export const ENTERPRISE_STREAMS: readonly StreamDef[] = [
  organizations,
  sessions,
  sessionsInsights,
  sessionMessages,
  sessionAttachments,
  playbooks,
  knowledgeNotes,
  ...PER_ORG_STREAMS,
  users,
  idpUsers,
  serviceUsers,
  idpGroups,
  roles,
  consumptionDaily,
  consumptionByOrg,
  consumptionByUser,
  consumptionByServiceUser,
  billingCycles,
  acuLimits,
  auditLogs,
  metricsCategories,
];
