/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. One pass over the session columns for a period and filters.
 */
import type { Payload, ViewChoice } from '../payload.js';
import type { Period } from './period.js';

export interface Tally {
  sessions: number;
  /** hundredths */
  acus: number;
  prs: number;
  merged: number;
}

export interface SessionScan {
  /** Indexes of the matching sessions, newest first. */
  matched: number[];
  total: Tally;
  /** Per actor (indexed like payload.actors): sessions, ACUs (hundredths), PRs, merged PRs. */
  actorSessions: Float64Array;
  actorAcus: Float64Array;
  actorPrs: Float64Array;
  actorMerged: Float64Array;
  byPlaybook: Map<number, Tally>;
  byStatus: number[];
  byOrigin: number[];
  bySize: number[];
  withInsights: number;
  /** Sessions per bucket of messages synced: 0, 1-5, 6-10, 11-20, 21-50, 51-100, 101-200, 201+. */
  messageBuckets: number[];
  /** ACUs (hundredths) per category per time bucket. */
  acusByCategory: number[][];
  /** Pull requests per time bucket, by state. */
  prsByState: { merged: number[]; open: number[]; closed: number[] };
  acusByBucket: number[];
  /** Sessions and their ACUs by outcome, in outcomeOf's order. */
  byOutcome: Tally[];
}

/**
 * What a session came to, as an index: 0 a merged PR, 1 failed or stopped (error, suspended),
 * 2 a PR not (yet) merged, 3 no PR. A merged PR wins over a failed status.
 */
export function outcomeOf(merged: number, prs: number, status: string): number {
  if (merged > 0) return 0;
  if (status === 'error' || status === 'suspended') return 1;
  return prs > 0 ? 2 : 3;
}

export function emptyTally(): Tally {
  return { sessions: 0, acus: 0, prs: 0, merged: 0 };
}

export function sessionMatches(
  payload: Payload,
  choice: ViewChoice,
  i: number,
  start: number,
  end: number,
): boolean {
  const s = payload.sessions;
  const day = s.day[i] ?? 0;
  if (day < start || day > end) return false;
  if (choice.actor >= 0 && s.actor[i] !== choice.actor) return false;
  if (choice.origin >= 0 && s.origin[i] !== choice.origin) return false;
  return !(choice.category >= 0 && s.category[i] !== choice.category);
}

function addTo(map: Map<number, Tally>, key: number, acus: number, prs: number, merged: number): void {
  let tally = map.get(key);
  if (tally === undefined) {
    tally = emptyTally();
    map.set(key, tally);
  }
  tally.sessions += 1;
  tally.acus += acus;
  tally.prs += prs;
  tally.merged += merged;
}

function messageBucket(count: number): number {
  const limits = [0, 5, 10, 20, 50, 100, 200];
  const index = limits.findIndex((limit) => count <= limit);
  return index === -1 ? limits.length : index;
}

/** Sums the ACUs (hundredths) of the matching sessions created from `start` to `end`. */
export function sessionAcus(payload: Payload, choice: ViewChoice, start: number, end: number): number {
  let acus = 0;
  for (let i = 0; i < payload.sessions.id.length; i++)
    if (sessionMatches(payload, choice, i, start, end)) acus += payload.sessions.acus[i] ?? 0;
  return acus;
}

export function scanSessions(payload: Payload, choice: ViewChoice, period: Period): SessionScan {
  const s = payload.sessions;
  const buckets = period.labels.length;
  const zeros = (n: number): number[] => new Array(n).fill(0);
  const scan: SessionScan = {
    matched: [],
    total: emptyTally(),
    actorSessions: new Float64Array(payload.actors.id.length),
    actorAcus: new Float64Array(payload.actors.id.length),
    actorPrs: new Float64Array(payload.actors.id.length),
    actorMerged: new Float64Array(payload.actors.id.length),
    byPlaybook: new Map(),
    byStatus: zeros(payload.dims.status.length),
    byOrigin: zeros(payload.dims.origin.length),
    bySize: zeros(payload.dims.size.length),
    withInsights: 0,
    messageBuckets: zeros(8),
    acusByCategory: payload.dims.category.map(() => zeros(buckets)),
    prsByState: { merged: zeros(buckets), open: zeros(buckets), closed: zeros(buckets) },
    acusByBucket: zeros(buckets),
    byOutcome: [emptyTally(), emptyTally(), emptyTally(), emptyTally()],
  };
  if (period.start === null || period.end === null) return scan;
  for (let i = 0; i < s.id.length; i++) {
    if (sessionMatches(payload, choice, i, period.start, period.end)) addSession(payload, scan, period, i);
  }
  return scan;
}

function addSession(payload: Payload, scan: SessionScan, period: Period, i: number): void {
  const s = payload.sessions;
  const acus = s.acus[i] ?? 0;
  const prs = s.prs[i] ?? 0;
  const merged = s.merged[i] ?? 0;
  const bucket = period.bucketOf[(s.day[i] ?? 0) - (period.start ?? 0)] ?? 0;
  scan.matched.push(i);
  scan.total.sessions += 1;
  scan.total.acus += acus;
  scan.total.prs += prs;
  scan.total.merged += merged;
  const actor = s.actor[i] ?? 0;
  scan.actorSessions[actor] = (scan.actorSessions[actor] ?? 0) + 1;
  scan.actorAcus[actor] = (scan.actorAcus[actor] ?? 0) + acus;
  scan.actorPrs[actor] = (scan.actorPrs[actor] ?? 0) + prs;
  scan.actorMerged[actor] = (scan.actorMerged[actor] ?? 0) + merged;
  if ((s.playbook[i] ?? -1) >= 0) addTo(scan.byPlaybook, s.playbook[i] ?? 0, acus, prs, merged);
  scan.byStatus[s.status[i] ?? 0] = (scan.byStatus[s.status[i] ?? 0] ?? 0) + 1;
  const outcome = scan.byOutcome[outcomeOf(merged, prs, payload.dims.status[s.status[i] ?? 0] ?? '')];
  if (outcome) {
    outcome.sessions += 1;
    outcome.acus += acus;
    outcome.prs += prs;
    outcome.merged += merged;
  }
  scan.byOrigin[s.origin[i] ?? 0] = (scan.byOrigin[s.origin[i] ?? 0] ?? 0) + 1;
  const size = s.size[i] ?? -1;
  if (size >= 0) {
    scan.bySize[size] = (scan.bySize[size] ?? 0) + 1;
    scan.withInsights += 1;
  }
  const messages = s.messages[i] ?? -1;
  if (messages >= 0)
    scan.messageBuckets[messageBucket(messages)] = (scan.messageBuckets[messageBucket(messages)] ?? 0) + 1;
  const row = scan.acusByCategory[s.category[i] ?? 0];
  if (row) row[bucket] = (row[bucket] ?? 0) + acus;
  scan.acusByBucket[bucket] = (scan.acusByBucket[bucket] ?? 0) + acus;
  scan.prsByState.merged[bucket] = (scan.prsByState.merged[bucket] ?? 0) + merged;
  scan.prsByState.open[bucket] = (scan.prsByState.open[bucket] ?? 0) + (s.open[i] ?? 0);
  scan.prsByState.closed[bucket] = (scan.prsByState.closed[bucket] ?? 0) + (s.closed[i] ?? 0);
}

export const SCAN_FUNCTIONS = [
  emptyTally,
  outcomeOf,
  sessionMatches,
  addTo,
  messageBucket,
  sessionAcus,
  scanSessions,
  addSession,
];
