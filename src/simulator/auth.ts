import { hash, hex8, TAG } from './core/random.js';

export const PERMISSIONS = [
  'ViewOrgSessions',
  'ManageOrgPlaybooks',
  'ManageOrgSecrets',
  'ManageOrgKnowledge',
  'ViewOrgMembership',
  'ViewOrgConsumption',
  'ManageOrgSchedules',
  'ViewOrgRepositories',
  'ViewOrgMetrics',
] as const;

/** Bearer tokens and the permissions of their role. */
export class Tokens {
  readonly main: string;
  private readonly roles = new Map<string, ReadonlySet<string>>();

  constructor(private readonly seed: number) {
    this.main = this.make(0);
    this.roles.set(this.main, new Set(PERMISSIONS));
  }

  private make(n: number): string {
    return `cog_sim${n === 0 ? '' : `r${n}`}_${hex8(hash(this.seed, TAG.token, n))}${hex8(hash(this.seed, TAG.token + 1, n))}`;
  }

  restricted(permissions: readonly string[]): string {
    const token = this.make(this.roles.size);
    this.roles.set(token, new Set(permissions));
    return token;
  }

  /** The permissions of the token in an Authorization header, or undefined when missing/unknown. */
  permissionsOf(authorization: string | undefined): ReadonlySet<string> | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return match?.[1] === undefined ? undefined : this.roles.get(match[1]);
  }
}
