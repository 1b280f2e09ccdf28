import type { Server } from 'node:http';
import { ENTERPRISE_PERMISSIONS } from './auth.js';
import type { Enterprise } from './enterprise/enterprise.js';
import { type HostileModes, resolveHostile } from './hostile/hostile-modes.js';
import { hostileTargets, leakCanaries } from './hostile/hostile-targets.js';
import type { Network, NetworkOptions } from './network.js';
import type { OrgData } from './organization/data.js';
import { closeServer, type RequestLogEntry } from './server.js';
import type { HostileTargets, ResolvedOptions, Simulator } from './types.js';
import { EnterpriseView } from './views/enterprise-view.js';
import { OrgView } from './views/org-view.js';

function noteIn(enterprise: Enterprise, orgId: string) {
  return (action: string, data: Parameters<Enterprise['audit']['record']>[3]) => {
    enterprise.audit.record(action, enterprise.clock.now(), orgId, data);
  };
}

function firstOrg(enterprise: Enterprise): OrgData {
  const org = enterprise.orgs[0];
  if (!org) throw new RangeError('an enterprise has at least one organization');
  return org;
}

/**
 * The programmatic face of a listening simulator: ground truth, changes, network knobs, request log.
 * Its org-scope methods are the first organization's; `organization(id)` gives any organization's.
 */
export class RunningSimulator extends OrgView implements Simulator {
  readonly baseUrl: string;
  readonly token: string;
  readonly options: ResolvedOptions;
  readonly orgIds: readonly string[];
  readonly enterpriseToken: string;
  readonly noBillingToken: string;
  readonly enterprise: EnterpriseView;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    port: number,
    options: ResolvedOptions,
    private readonly whole: Enterprise,
    private readonly network: Network,
    private readonly log: RequestLogEntry[],
  ) {
    const data = firstOrg(whole);
    super(data, noteIn(whole, data.orgId));
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.token = data.tokens.main;
    this.options = { ...options, port };
    this.orgIds = whole.orgs.map((org) => org.orgId);
    this.enterpriseToken = whole.enterpriseToken;
    this.noBillingToken = this.enterpriseTokenWithout(['ManageBilling']);
    this.enterprise = new EnterpriseView(whole);
  }

  get requestLog(): readonly RequestLogEntry[] {
    return this.log;
  }

  restrictedToken(permissions: readonly string[]): string {
    return this.data.tokens.restricted(permissions);
  }

  enterpriseTokenWithout(permissions: readonly string[]): string {
    return this.whole.tokens.enterprise(ENTERPRISE_PERMISSIONS, permissions);
  }

  orgToken(orgId: string): string {
    this.organization(orgId);
    return this.whole.tokens.orgKey(orgId);
  }

  organization(orgId: string): OrgView {
    const org = this.whole.orgs[this.whole.position(orgId)];
    if (!org) throw new RangeError(`unknown organization id: ${orgId}`);
    return new OrgView(org, noteIn(this.whole, orgId));
  }

  denyOrgPath(orgId: string, path: string, denied = true): void {
    this.organization(orgId);
    this.whole.denials.set(orgId, path, denied);
  }

  config(): { api_token: string; org_id: string; base_url: string } {
    return { api_token: this.token, org_id: this.orgId, base_url: this.baseUrl };
  }

  enterpriseConfig(): { api_token: string; base_url: string; scope: 'enterprise' } {
    return { api_token: this.enterpriseToken, base_url: this.baseUrl, scope: 'enterprise' };
  }

  holdClock(held: boolean): void {
    this.data.clock.held = held;
  }

  setNetwork(options: Partial<NetworkOptions>): void {
    this.network.set(options);
  }

  setHostile(modes: Partial<HostileModes>): void {
    const { hostile, sessions } = this.data;
    hostile.modes = resolveHostile(modes, hostile.modes);
    this.options.hostile = hostile.modes;
    sessions.version++;
  }

  hostileTargets(): HostileTargets {
    return hostileTargets(this.data);
  }

  leakCanaries(): string[] {
    return [...leakCanaries(this.data), this.enterpriseToken];
  }

  clearRequestLog(): void {
    this.log.length = 0;
  }

  /** Idempotent: later calls return the first call's promise. */
  close(): Promise<void> {
    this.closing ??= closeServer(this.server);
    return this.closing;
  }
}
