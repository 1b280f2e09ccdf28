import { ENTERPRISE_PERMISSIONS, Tokens } from '../auth.js';
import { LogicalClock } from '../core/timeline.js';
import { OrgDenials } from '../hostile/org-denials.js';
import { createOrgData, type DataOptions, type OrgData } from '../organization/data.js';
import { AuditLog } from './audit.js';
import { memberSource, type OrgProfile, orgDataOptions, orgProfile } from './orgs.js';

/** An enterprise of one or more organizations sharing a clock, keys and some members. */
export interface Enterprise {
  readonly orgs: readonly OrgData[];
  readonly profiles: readonly OrgProfile[];
  readonly tokens: Tokens;
  readonly clock: LogicalClock;
  readonly audit: AuditLog;
  readonly denials: OrgDenials;
  /** The enterprise key with every enterprise permission. */
  readonly enterpriseToken: string;
  /** The position of an organization in the enterprise, or -1. */
  position(orgId: string): number;
}

/** Organization 1 is built exactly as a single-organization simulator builds it; the others after it. */
export function createEnterprise(first: DataOptions, count: number): Enterprise {
  const clock = new LogicalClock();
  const tokens = new Tokens(first.seed, first.orgId);
  const orgs: OrgData[] = [];
  for (let position = 0; position < count; position++) {
    const own = orgDataOptions(first, position);
    const members = position === 0 ? undefined : memberSource(first, own, position);
    orgs.push(createOrgData(own, { clock, tokens, ...(members ? { members } : {}) }));
  }
  const positions = new Map(orgs.map((org, position) => [org.orgId, position]));
  return {
    orgs,
    profiles: orgs.map((org, position) => orgProfile(first.seed, org.orgId, position)),
    tokens,
    clock,
    audit: new AuditLog(first.seed, orgs),
    denials: new OrgDenials(),
    enterpriseToken: tokens.enterprise(ENTERPRISE_PERMISSIONS),
    position: (orgId) => positions.get(orgId) ?? -1,
  };
}
