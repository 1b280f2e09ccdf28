import { hash, hex8, TAG } from './core/random.js';

/** What an organization's own key may do there (an enterprise key inherits them in every organization). */
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

/** What an enterprise service user may do on `/v3/enterprise/...`. */
export const ENTERPRISE_PERMISSIONS = [
  'ManageOrganizations',
  'ViewAccountSessions',
  'ManageAccountMembership',
  'ManageBilling',
  'ManageEnterpriseSettings',
  'ViewAccountMetrics',
] as const;

/** A key's role: its permissions, and the organization it belongs to (null: an enterprise key). */
export interface KeyRole {
  permissions: ReadonlySet<string>;
  orgId: string | null;
}

/** Bearer tokens and their roles: the main key and restricted ones of the first org, org keys, enterprise keys. */
export class Tokens {
  readonly main: string;
  private readonly roles = new Map<string, KeyRole>();
  private readonly orgKeys = new Map<string, string>();
  private restrictedCount = 0;
  private enterpriseCount = 0;

  constructor(
    private readonly seed: number,
    private readonly orgId: string,
  ) {
    this.main = this.make('', 0);
    this.roles.set(this.main, { permissions: new Set(PERMISSIONS), orgId });
  }

  private make(kind: string, n: number): string {
    const mark = n === 0 ? '' : `${kind}${n}`;
    // Restricted keys keep the hashes they always had; org and enterprise keys hash their kind too.
    const salt = kind === 'r' ? 0 : kind.charCodeAt(0) || 0;
    return `cog_sim${mark}_${hex8(hash(this.seed, TAG.token, n, salt))}${hex8(hash(this.seed, TAG.token + 1, n, salt))}`;
  }

  /** A key of the first organization whose role holds only `permissions`. */
  restricted(permissions: readonly string[]): string {
    const token = this.make('r', ++this.restrictedCount);
    this.roles.set(token, { permissions: new Set(permissions), orgId: this.orgId });
    return token;
  }

  /** The own key (every org permission) of an organization; the first one's is `main`. */
  orgKey(orgId: string): string {
    if (orgId === this.orgId) return this.main;
    let token = this.orgKeys.get(orgId);
    if (token === undefined) {
      token = this.make('o', this.orgKeys.size + 1);
      this.orgKeys.set(orgId, token);
      this.roles.set(token, { permissions: new Set(PERMISSIONS), orgId });
    }
    return token;
  }

  /**
   * An enterprise key holding `permissions` and every org permission (inherited in each organization)
   * but those in `without`.
   */
  enterprise(permissions: readonly string[], without: readonly string[] = []): string {
    const token = this.make('e', ++this.enterpriseCount);
    const held = [...permissions, ...PERMISSIONS].filter((name) => !without.includes(name));
    this.roles.set(token, { permissions: new Set(held), orgId: null });
    return token;
  }

  /** The role of the token in an Authorization header, or undefined when missing/unknown. */
  roleOf(authorization: string | undefined): KeyRole | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return match?.[1] === undefined ? undefined : this.roles.get(match[1]);
  }

  /** The permissions of the token in an Authorization header, or undefined when missing/unknown. */
  permissionsOf(authorization: string | undefined): ReadonlySet<string> | undefined {
    return this.roleOf(authorization)?.permissions;
  }
}
