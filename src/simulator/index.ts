import { createEnterprise } from './enterprise/enterprise.js';
import { MAX_ORGS } from './enterprise/orgs.js';
import { HOSTILE_OFF, resolveHostile } from './hostile/hostile-modes.js';
import { Network } from './network.js';
import { MAX_USERS } from './organization/gen-users.js';
import { handleApi } from './router.js';
import { RunningSimulator } from './running-simulator.js';
import { listen, type RequestLogEntry } from './server.js';
import type { ResolvedOptions, Simulator, SimulatorOptions } from './types.js';

export { SPECIAL } from './core/special.js';
export { MAX_ORGS } from './enterprise/orgs.js';
export type { HostileModes } from './hostile/hostile-modes.js';
export { HOSTILE_AT, SECRET_VALUE_PREFIX } from './hostile/hostile-modes.js';
export { BILLING_DAY_START, PRODUCTS, type Product } from './organization/consumption.js';
export type { ConsumptionWindow } from './organization/consumption-reply.js';
export { MAX_USERS } from './organization/gen-users.js';
export type { Period } from './organization/metrics.js';
export type { UserChange } from './organization/user-store.js';
export type { RequestLogEntry } from './server.js';
export type {
  ConsumptionChange,
  HostileTargets,
  ResolvedOptions,
  Simulator,
  SimulatorOptions,
} from './types.js';
export type { EnterpriseView } from './views/enterprise-view.js';
export type { MetricKind } from './views/org-scope-view.js';
export type { OrgView as OrganizationView } from './views/org-view.js';

const DEFAULTS: ResolvedOptions = {
  port: 0,
  seed: 1,
  sessions: 200,
  messagesPerSession: 20,
  playbooks: 25,
  secrets: 25,
  knowledgeNotes: 25,
  users: 40,
  schedules: 12,
  latencyMs: 0,
  rateLimit: 0,
  faultRate: 0,
  orgId: 'org-sim0001',
  requestLogLimit: 200_000,
  hostile: HOSTILE_OFF,
  orgs: 1,
};

const COUNTS = [
  'port',
  'seed',
  'sessions',
  'messagesPerSession',
  'playbooks',
  'secrets',
  'knowledgeNotes',
  'users',
  'schedules',
] as const;

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const resolved = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options))
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  resolved.hostile = resolveHostile(options.hostile ?? {});
  for (const key of [...COUNTS, 'requestLogLimit'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 0)
      throw new RangeError(`${key} must be an integer >= 0`);
  }
  if (resolved.port > 65_535) throw new RangeError('port must be from 0 to 65535');
  if (resolved.sessions > 0xffff_ffff) throw new RangeError('sessions must be below 2^32');
  if (resolved.users > MAX_USERS) throw new RangeError(`users must be at most ${MAX_USERS}`);
  if (!Number.isSafeInteger(resolved.orgs) || resolved.orgs < 1 || resolved.orgs > MAX_ORGS)
    throw new RangeError(`orgs must be an integer from 1 to ${MAX_ORGS}`);
  if (!/^org[-_][A-Za-z0-9_-]+$/.test(resolved.orgId))
    throw new RangeError('orgId must start with org- or org_');
  return resolved;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const enterprise = createEnterprise(resolved, resolved.orgs);
  const network = new Network(resolved.seed, resolved);
  const log: RequestLogEntry[] = [];
  const { server, port } = await listen(resolved.port, {
    network,
    handle: (method, url, authorization) => handleApi(enterprise, method, url, authorization),
    log: (entry) => {
      if (log.length >= resolved.requestLogLimit) log.splice(0, Math.ceil(resolved.requestLogLimit / 2));
      log.push(entry);
    },
  });
  return new RunningSimulator(server, port, resolved, enterprise, network, log);
}
