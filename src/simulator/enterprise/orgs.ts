import { hash, TAG } from '../core/random.js';
import { WINDOW_END, WINDOW_SPAN } from '../core/timeline.js';
import { HOSTILE_OFF } from '../hostile/hostile-modes.js';
import type { DataOptions } from '../organization/data.js';
import type { MemberSource } from '../organization/user-store.js';

export const MAX_ORGS = 50;
const DAY = 86_400;
const NAMES = [
  'Acme Engineering',
  'Acme Data',
  'Acme Mobile',
  'Acme Platform',
  'Acme Research',
  'Acme Europe',
];

/** One organization as `/v3/enterprise/organizations` lists it, before the JSON. */
export interface OrgProfile {
  orgId: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  maxCycleAcuLimit: number | null;
  maxSessionAcuLimit: number | null;
}

/** Organization `position` (0 = the first, today's single organization) of an enterprise. */
export function orgIdAt(firstId: string, position: number): string {
  return position === 0 ? firstId : `${firstId}-${String(position + 1).padStart(2, '0')}`;
}

/** Every organization after the first is a third of its size (at least one of each), with its own seed. */
export function orgDataOptions(first: DataOptions, position: number): DataOptions {
  if (position === 0) return first;
  const third = (count: number): number => (count === 0 ? 0 : Math.max(1, Math.ceil(count / 3)));
  return {
    seed: hash(first.seed, TAG.org, position),
    orgId: orgIdAt(first.orgId, position),
    sessions: third(first.sessions),
    messagesPerSession: first.messagesPerSession,
    playbooks: third(first.playbooks),
    secrets: third(first.secrets),
    knowledgeNotes: third(first.knowledgeNotes),
    users: third(first.users),
    schedules: third(first.schedules),
    hostile: HOSTILE_OFF,
  };
}

/**
 * The members of organization `position`: its first third (at most the first org's size) are members
 * of the first organization too (the same user ids, emails and names), the rest its own.
 */
export function memberSource(first: DataOptions, own: DataOptions, position: number): MemberSource {
  const shared = position === 0 ? 0 : Math.min(Math.ceil(own.users / 3), first.users);
  return (index) =>
    index < shared
      ? { seed: first.seed, index: (position * 5 + index) % first.users }
      : { seed: own.seed, index };
}

export function orgProfile(seed: number, orgId: string, position: number): OrgProfile {
  const name = NAMES[position] ?? `Acme Team ${position + 1}`;
  const createdAt = WINDOW_END - WINDOW_SPAN - (30 + (hash(seed, TAG.org + 100, position) % 300)) * DAY;
  return {
    orgId,
    name,
    createdAt,
    updatedAt: createdAt + (hash(seed, TAG.org + 101, position) % 600) * DAY,
    maxCycleAcuLimit: position % 3 === 1 ? null : 1000 * (1 + (position % 4)),
    maxSessionAcuLimit: position % 2 === 0 ? 40 + position : null,
  };
}
