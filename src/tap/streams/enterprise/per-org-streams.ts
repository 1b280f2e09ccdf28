import { metricsActiveUsers } from '../metrics-active-users.js';
import { metricsPrs } from '../metrics-prs.js';
import { metricsSearches } from '../metrics-searches.js';
import { metricsSessions } from '../metrics-sessions.js';
import { repositories } from '../repositories.js';
import { schedules } from '../schedules.js';
import { secrets } from '../secrets.js';
import type { StreamDef } from '../stream-def.js';
import { perOrganization } from './per-organization.js';

/** Org-scope streams with no enterprise list: read through each organization's own endpoints. */
export const PER_ORG_STREAMS: readonly StreamDef[] = [
  secrets,
  schedules,
  repositories,
  metricsActiveUsers,
  metricsPrs,
  metricsSessions,
  metricsSearches,
].map((def) => perOrganization(def));
