import type { Simulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { ORIGINS, SIZES } from '../src/tap/streams/metrics-sessions.js';

const DAY = 86_400;
export const ORG_SCOPE_STREAMS = [
  'idp_users',
  'schedules',
  'repositories',
  'session_attachments',
  'metrics_active_users',
  'metrics_prs',
  'metrics_sessions',
  'metrics_searches',
] as const;

export const ORG_SCOPE_KEYS: Record<string, string[]> = {
  idp_users: ['user_id'],
  schedules: ['scheduled_session_id'],
  repositories: ['repo_path'],
  session_attachments: ['session_id', 'attachment_id'],
  metrics_active_users: ['period', 'start_time'],
  metrics_prs: ['date'],
  metrics_sessions: ['date'],
  metrics_searches: ['date'],
};

const SCHEDULE_TIMES = ['scheduled_at', 'last_executed_at', 'last_error_at', 'created_at', 'updated_at'];

/** A schedule as the tap emits it: its ISO 8601 timestamps as epoch seconds. */
export function scheduleRecord(schedule: JsonObject): JsonObject {
  const converted: JsonObject = { ...schedule };
  for (const field of SCHEDULE_TIMES) {
    const value = schedule[field];
    converted[field] = typeof value === 'string' ? Date.parse(value) / 1000 : null;
  }
  return converted;
}

function spread(day: JsonObject, field: string, keys: readonly string[], prefix: string): JsonObject {
  const object = (day[field] ?? {}) as Record<string, number>;
  return Object.fromEntries(keys.map((key) => [`${prefix}${key}`, object[key] ?? 0]));
}

/** The UTC day starts a daily metrics read covers: from the day of `from` through the day of `now`. */
export function metricDays(from: number, now: number): number[] {
  const days: number[] = [];
  for (let day = Math.floor(from / DAY) * DAY; day < now; day += DAY) days.push(day);
  return days;
}

/** The ground-truth methods the org-scope streams need: the simulator's, or one organization's (`sim.organization(id)`). */
export type OrgTruthSource = Pick<
  Simulator,
  'metric' | 'activeUsers' | 'idpUsers' | 'schedules' | 'repositories' | 'sessions' | 'attachments'
>;

/** What each new stream must yield for a metrics read from `from` to `now`, from the simulator's own data. */
export function expectedOrgScope(
  sim: OrgTruthSource,
  from: number,
  now: number,
): Record<string, JsonObject[]> {
  const days = metricDays(from, now);
  const daily = (kind: 'prs' | 'sessions' | 'searches') =>
    days.map((date) => ({ ...sim.metric(kind, date, date + DAY), date }));
  const periods = (['day', 'week', 'month'] as const).flatMap((period) =>
    (sim.activeUsers(period, from, now) as JsonObject[]).map((row) => ({ ...row, period })),
  );
  return {
    idp_users: sim.idpUsers(),
    schedules: sim.schedules().map(scheduleRecord),
    repositories: sim.repositories(true).map((repo) => ({
      ...repo,
      last_updated_at: Date.parse(String(repo.last_updated_at)) / 1000,
    })),
    session_attachments: [...sim.sessions()].flatMap((session) =>
      sim.attachments(String(session.session_id)).map((a) => ({
        ...a,
        session_id: session.session_id ?? null,
        updated_at: session.updated_at ?? null,
      })),
    ),
    metrics_active_users: periods,
    metrics_prs: daily('prs'),
    metrics_searches: daily('searches'),
    metrics_sessions: daily('sessions').map((day) => ({
      ...day,
      ...spread(day, 'sessions_created_by_origin', ORIGINS, 'sessions_from_'),
      ...spread(day, 'sessions_created_by_size', SIZES, 'sessions_size_'),
      ...spread(day, 'sessions_with_merged_prs_by_size', SIZES, 'sessions_merged_size_'),
    })),
  };
}
