import type { JsonObject } from '../../tap/json.js';
import { hash, hex8, Rng, TAG, unit } from '../core/random.js';

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Kay'];
const UNICODE_NAMES = [
  'José Álvarez',
  'Zoë Ångström',
  '山田 太郎',
  'Nguyễn Thị Minh',
  'Søren Kierkegård',
  'Дмитрий Иванов',
  'Ólöf Jónsdóttir',
  'محمد الأحمد',
];
export const ROLES = [
  { role_id: 'role-org-admin', role_name: 'Admin' },
  { role_id: 'role-org-member', role_name: 'Member' },
  { role_id: 'role-billing-viewer', role_name: 'Billing viewer' },
];

/** Member indexes that always hold the hard cases (when the org has that many users). */
export const SPECIAL_USERS = {
  /** The heaviest user (rank 0 of the skew), an admin with a unicode name. */
  unicodeName: 0,
  /** email null. */
  nullEmail: 3,
  /** Two role assignments: the org's and an enterprise-wide one (org_id null). */
  twoRoles: 2,
} as const;

/** The org's consumption sums every member's day: beyond this, requests get slow. */
export const MAX_USERS = 100_000;

/** Zipf-like skew: member `rank` weighs 1/(rank+1)^1.2, so a few members run most sessions. */
const SKEW = 1.2;

export function serviceUserCount(users: number): number {
  return users === 0 ? 0 : Math.min(5, Math.max(1, Math.ceil(users / 10)));
}

export function userId(seed: number, index: number): string {
  const rng = new Rng(hash(seed, TAG.user, index));
  const kind = rng.pick(['email', 'email', 'google-oauth2', 'github']);
  const mark = hex8(index);
  if (kind === 'google-oauth2')
    return `google-oauth2|104${String(rng.int(1e8, 1e9 - 1))}${parseInt(mark, 16)}`;
  if (kind === 'github') return `github|${rng.int(10_000, 99_999)}${String(index).padStart(6, '0')}`;
  return `email|${rng.hex(16)}${mark}`;
}

/** Members through IdP groups: they run sessions but `/members/users` does not list them. */
export function groupMemberCount(users: number): number {
  return users === 0 ? 0 : Math.max(1, Math.floor(users / 20));
}

/** Two `|` in one id: `samlp|<connection>|<hex>`. */
export function groupMemberId(seed: number, index: number): string {
  return `samlp|acme-okta|${hex8(hash(seed, TAG.user + 200, index))}${hex8(index)}`;
}

/** The share of members' sessions run by IdP-group members. */
export const GROUP_SHARE = 0.05;

export function serviceUserId(seed: number, index: number): string {
  return `service-user-${hex8(hash(seed, TAG.user + 100, index))}${hex8(index)}`;
}

function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z ]/g, '')
    .trim()
    .toLowerCase()
    .replace(/ +/g, '.');
}

function userName(rng: Rng, index: number): string {
  if (index === SPECIAL_USERS.unicodeName || rng.chance(0.15)) return rng.pick(UNICODE_NAMES);
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

/** One member as `/members/users` serves it. */
export function generateUser(seed: number, orgId: string, index: number): JsonObject {
  const rng = new Rng(hash(seed, TAG.user + 1, index));
  const name = userName(rng, index);
  const local = ascii(name) || 'member';
  const role = index === 0 ? ROLES[0] : rng.pick(ROLES);
  const roles: JsonObject[] = [{ role: { ...role }, org_id: orgId }];
  if (index === SPECIAL_USERS.twoRoles) roles.push({ role: { ...ROLES[1] }, org_id: null });
  return {
    user_id: userId(seed, index),
    email: index === SPECIAL_USERS.nullEmail ? null : `${local}.${index}@acme.example`,
    name,
    role_assignments: roles,
  };
}

/** Cumulative weights of `count` members under the skew, for picking one by a uniform draw. */
export function skewedCdf(count: number): Float64Array {
  const cdf = new Float64Array(count);
  let total = 0;
  for (let rank = 0; rank < count; rank++) {
    total += 1 / (rank + 1) ** SKEW;
    cdf[rank] = total;
  }
  for (let rank = 0; rank < count; rank++) cdf[rank] = (cdf[rank] ?? 0) / total;
  return cdf;
}

/** The member a uniform draw in [0, 1) lands on. */
export function pickSkewed(cdf: Float64Array, draw: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cdf[mid] ?? 1) <= draw) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const DRAW = { member: 0, service: 1, group: 2, groupMember: 3 } as const;

/** A draw for session `index` (independent of every other session field). */
export function sessionDraw(seed: number, index: number, what: number): number {
  return unit(hash(seed, TAG.sessionUser, index, what));
}
