/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. Who drives the spend: users, service users, and what nobody accounts for.
 */
import type { Payload, ViewChoice } from '../payload.js';
import type { BillingScan } from './scan-billing.js';
import type { SessionScan } from './scan-sessions.js';

export interface PersonRow {
  actor: number;
  label: string;
  /** ACUs: billed when `billed`, else from the person's sessions. */
  acus: number;
  sessions: number;
  prs: number;
  merged: number;
  mergeRate: number | null;
}

export interface PeopleFigures {
  /** The 500 users and service users with the most ACUs, and how many there are. */
  users: PersonRow[];
  services: PersonRow[];
  userCount: number;
  serviceCount: number;
  activeUsers: number;
  /** Share of the period's ACUs no user accounts for; null under a user filter or without ACUs. */
  unattributed: number | null;
}

function shareOf(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function peopleFigures(
  payload: Payload,
  choice: ViewChoice,
  scan: SessionScan,
  billing: BillingScan,
): PeopleFigures {
  return {
    ...peopleRows(payload, scan, billing),
    activeUsers: activeUserCount(payload, scan, billing),
    unattributed: unattributedShare(payload, choice, scan, billing),
  };
}

/** Users (not service users) with a session or billed ACUs in the period. */
function activeUserCount(payload: Payload, scan: SessionScan, billing: BillingScan): number {
  let active = 0;
  for (let actor = 0; actor < payload.actors.id.length; actor++) {
    const billed = billing.byActor === null ? 0 : (billing.byActor[actor] ?? 0);
    if (payload.actors.kind[actor] === 0 && ((scan.actorSessions[actor] ?? 0) > 0 || billed > 0)) active++;
  }
  return active;
}

function personRow(payload: Payload, scan: SessionScan, actor: number, acus: number): PersonRow {
  const prs = scan.actorPrs[actor] ?? 0;
  const merged = scan.actorMerged[actor] ?? 0;
  return {
    actor,
    label: payload.actors.label[actor] ?? '',
    acus,
    sessions: scan.actorSessions[actor] ?? 0,
    prs,
    merged,
    mergeRate: shareOf(merged, prs),
  };
}

/**
 * The 500 users (by billed ACUs, else their sessions' ACUs) and service users with the most ACUs, and
 * how many there are. Numbers only in the ranking: an organization may have 100,000 members.
 */
function peopleRows(
  payload: Payload,
  scan: SessionScan,
  billing: BillingScan,
): { users: PersonRow[]; services: PersonRow[]; userCount: number; serviceCount: number } {
  const billed = billing.byActor;
  const acus = billed ?? scan.actorAcus;
  const users: number[] = [];
  const services: number[] = [];
  for (let actor = 0; actor < payload.actors.id.length; actor++) {
    const sessions = scan.actorSessions[actor] ?? 0;
    const kind = payload.actors.kind[actor];
    if (kind === 0 && (sessions > 0 || (billed !== null && (billed[actor] ?? 0) > 0))) users.push(actor);
    else if (kind === 1 && sessions > 0) services.push(actor);
  }
  const rank =
    (by: Float64Array) =>
    (a: number, b: number): number =>
      (by[b] ?? 0) - (by[a] ?? 0) || (scan.actorSessions[b] ?? 0) - (scan.actorSessions[a] ?? 0) || a - b;
  const top = topActors(users, acus, rank(acus), 500);
  services.sort(rank(scan.actorAcus));
  return {
    users: top.map((actor) => personRow(payload, scan, actor, (acus[actor] ?? 0) / 100)),
    services: services
      .slice(0, 500)
      .map((actor) => personRow(payload, scan, actor, (scan.actorAcus[actor] ?? 0) / 100)),
    userCount: users.length,
    serviceCount: services.length,
  };
}

/** The `count` first actors in `rank` order, without sorting them all (ties at the cut are kept in). */
function topActors(
  actors: number[],
  by: Float64Array,
  rank: (a: number, b: number) => number,
  count: number,
): number[] {
  if (actors.length > count * 4) {
    const values = Float64Array.from(actors, (actor) => by[actor] ?? 0).sort();
    const cut = values[values.length - count] ?? 0;
    const kept = actors.filter((actor) => (by[actor] ?? 0) >= cut);
    return kept.sort(rank).slice(0, count);
  }
  return [...actors].sort(rank).slice(0, count);
}

function unattributedShare(
  payload: Payload,
  choice: ViewChoice,
  scan: SessionScan,
  billing: BillingScan,
): number | null {
  if (choice.actor >= 0) return null;
  if (billing.source === 'billed' && billing.attributed !== null) {
    return shareOf(Math.max(0, billing.total - billing.attributed), billing.total);
  }
  let outside = 0;
  for (let actor = 0; actor < payload.actors.id.length; actor++)
    if (payload.actors.kind[actor] !== 0) outside += scan.actorAcus[actor] ?? 0;
  return shareOf(outside, scan.total.acus);
}

export const PEOPLE_FUNCTIONS = [
  shareOf,
  peopleFigures,
  activeUserCount,
  personRow,
  peopleRows,
  topActors,
  unattributedShare,
];
