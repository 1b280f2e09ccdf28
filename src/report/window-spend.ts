/**
 * The sessions created in a window and their pull requests, read straight from the session table
 * (`sessions`, else `sessions_insights`, as session_facts reads it) in one pass each: spend by
 * repository, and sessions and merged PRs per organization.
 */
import type { ReportDatabase } from './database.js';
import type { SpendRow } from './extra-payload.js';

export interface WindowSessions {
  sessions: { id: string; org: string | null; acus: number }[];
  prs: { session: string; url: string; merged: boolean }[];
}

/** Sessions created in [startDay, endDay) (days since 1970-01-01, UTC); null without a session table. */
export async function windowSessions(
  db: ReportDatabase,
  tables: ReadonlySet<string>,
  startDay: number,
  endDay: number,
): Promise<WindowSessions | null> {
  const base = tables.has('sessions')
    ? 'sessions'
    : tables.has('sessions_insights')
      ? 'sessions_insights'
      : null;
  if (base === null) return null;
  const [a, b] = [Math.trunc(startDay) * 86_400, Math.trunc(endDay) * 86_400];
  const where =
    db.dialect === 'duckdb'
      ? `s.created_at >= to_timestamp(${a}) AND s.created_at < to_timestamp(${b})`
      : `s.created_at >= ${a} AND s.created_at < ${b}`;
  // Column by column: much faster than rows for DuckDB's 100,000-row results.
  const sessions = await db.columns(
    `SELECT s.session_id, s.org_id, s.acus_consumed FROM ${base} AS s WHERE ${where}`,
  );
  const prs = await db.columns(
    `SELECT s.session_id, pr.value ->> '$.pr_url' AS pr_url, lower(pr.value ->> '$.pr_state') AS state
     FROM ${base} AS s, json_each(s.pull_requests) AS pr
     WHERE lower(json_type(s.pull_requests)) = 'array' AND ${where}`,
  );
  const ids = sessions.session_id ?? [];
  const urls = prs.pr_url ?? [];
  return {
    sessions: ids.map((id, i) => {
      const org = sessions.org_id?.[i] ?? null;
      return {
        id: String(id),
        org: org === null ? null : String(org),
        acus: Number(sessions.acus_consumed?.[i] ?? 0),
      };
    }),
    prs: urls.flatMap((url, i) =>
      typeof url === 'string'
        ? [{ session: String(prs.session_id?.[i]), url, merged: prs.state?.[i] === 'merged' }]
        : [],
    ),
  };
}

/** owner/name of a pull request's URL (github.com/o/r/pull/1, gitlab.com/g/s/r/-/merge_requests/1). */
export function repositoryOf(url: string): string | null {
  const match = /^[a-z]+:\/\/[^/]+\/(.+?)\/(?:pull|pulls|-|merge_requests|pull-requests)\//i.exec(url);
  return match?.[1] ?? null;
}

/**
 * Each session's reported ACUs split evenly over the repositories its pull requests name; sessions
 * that name none are one row. Merged PRs per repository.
 */
export function repoSpend(w: WindowSessions): SpendRow[] {
  const repos = new Map<string, Set<string>>();
  const merged = new Map<string, number>();
  for (const pr of w.prs) {
    const repo = repositoryOf(pr.url);
    if (repo === null) continue;
    repos.set(pr.session, (repos.get(pr.session) ?? new Set()).add(repo));
    if (pr.merged) merged.set(repo, (merged.get(repo) ?? 0) + 1);
  }
  const byRepo = new Map<string | null, { acus: number; sessions: number }>();
  for (const session of w.sessions) {
    const named = [...(repos.get(session.id) ?? [])];
    const keys = named.length === 0 ? [null] : named;
    for (const key of keys) {
      const entry = byRepo.get(key) ?? { acus: 0, sessions: 0 };
      entry.acus += session.acus / keys.length;
      entry.sessions += 1;
      byRepo.set(key, entry);
    }
  }
  return [...byRepo.entries()]
    .map(([id, entry]) => ({
      label: id ?? 'no repository named (no pull request)',
      id,
      acus: entry.acus,
      sessions: entry.sessions,
      merged: id === null ? null : (merged.get(id) ?? 0),
    }))
    .sort((a, b) => b.acus - a.acus || a.label.localeCompare(b.label));
}

/** Sessions and merged PRs per organization. */
export function orgActivity(w: WindowSessions): Map<string | null, { sessions: number; merged: number }> {
  const orgOf = new Map(w.sessions.map((s) => [s.id, s.org]));
  const activity = new Map<string | null, { sessions: number; merged: number }>();
  const entry = (org: string | null) => {
    const found = activity.get(org) ?? { sessions: 0, merged: 0 };
    activity.set(org, found);
    return found;
  };
  for (const s of w.sessions) entry(s.org).sessions += 1;
  for (const pr of w.prs) if (pr.merged) entry(orgOf.get(pr.session) ?? null).merged += 1;
  return activity;
}
