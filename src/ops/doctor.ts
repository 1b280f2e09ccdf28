import { type ConfigRequest, type ConfigSource, describeSource, loadConfig } from '../io/config-input.js';
import { describeFailure } from '../io/failure.js';
import { type CheckResult, checkConnection, scopeName } from '../tap/check.js';
import type { TapConfig } from '../tap/config.js';
import { orgIdOrigin, resolveOrgId, SELF_PATH } from '../tap/org-id.js';
import { displayBaseUrl } from '../tap/redact.js';
import { streamsOf } from '../tap/streams/index.js';
import { checkDatabasePath } from '../targets/database-file.js';
import type { TargetKind } from '../targets/target.js';

export interface DoctorRow {
  check: string;
  ok: boolean;
  detail: string;
  /** Not checked because of another row's problem (a rejected token): not a problem of its own. */
  skipped?: boolean;
}

/** A check that could not run because `cause` failed: one root cause, not one problem per stream. */
function skippedRow(check: string, cause: string): DoctorRow {
  return { check, ok: false, skipped: true, detail: `not checked: ${cause}` };
}

export interface DoctorOptions {
  config: ConfigRequest;
  database: { path: string; kind: TargetKind };
  now: () => number;
  /** Told what doctor is about to wait for (a server that never answers must not look like a hang). */
  onWait?: (message: string) => void;
}

function sourcesUsed(sources: Record<string, ConfigSource>): string {
  const used = new Set(
    Object.values(sources)
      .filter((s) => s.kind !== 'default')
      .map(describeSource),
  );
  return used.size === 0 ? 'defaults only' : [...used].join(', ');
}

function streamRows(result: CheckResult, scope: TapConfig['scope']): DoctorRow[] {
  const tokenAccepted = result.ok || result.unreadable.length > 0;
  return streamsOf(scope).map((stream) => {
    const lacking = result.unreadable.find((entry) => entry.stream === stream.name);
    if (lacking) return { check: `stream ${stream.name}`, ok: false, detail: `needs ${lacking.permission}` };
    const empty = result.nothingToProbe.find((entry) => entry.stream === stream.name);
    if (empty)
      return {
        check: `stream ${stream.name}`,
        ok: true,
        detail: `nothing to probe (no ${empty.parent} yet)`,
      };
    const otherProblem = result.message.match(new RegExp(`${stream.name}: ([^;]+)`))?.[1];
    if (!tokenAccepted) return skippedRow(`stream ${stream.name}`, 'the API token check failed');
    if (otherProblem) return { check: `stream ${stream.name}`, ok: false, detail: otherProblem };
    return { check: `stream ${stream.name}`, ok: true, detail: 'readable' };
  });
}

async function apiRows(config: TapConfig, options: DoctorOptions): Promise<DoctorRow[]> {
  const { now } = options;
  options.onWait?.(
    `waiting for the Devin API at ${displayBaseUrl(config.baseUrl)} (a request per stream; one with no answer is given up after ${config.requestTimeoutSeconds} s)`,
  );
  const started = now();
  // A request that timed out is not tried again: doctor waits one request timeout, not three.
  const result = await checkConnection(config, { retryTimeouts: false });
  const elapsed = now() - started;
  const tokenAccepted = result.ok || result.unreadable.length > 0;
  return [
    {
      check: 'API token',
      ok: tokenAccepted,
      detail: tokenAccepted ? `accepted by ${config.baseUrl} (${scopeName(config)})` : result.message,
    },
    ...streamRows(result, config.scope),
    tokenAccepted
      ? { check: 'API latency', ok: true, detail: `${elapsed} ms for the check's probes` }
      : skippedRow('API latency', 'the API token check failed'),
  ];
}

function databaseRow(database: DoctorOptions['database']): DoctorRow {
  try {
    const exists = checkDatabasePath(database.kind, database.path);
    const what = exists ? 'writable' : 'can be created';
    return { check: 'database', ok: true, detail: `${database.path} ${what} (${database.kind})` };
  } catch (error) {
    return { check: 'database', ok: false, detail: describeFailure(error, {}).message };
  }
}

/** For people: config sources, token, each stream's permission, latency, the database. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorRow[]> {
  let config: TapConfig;
  let sources: Record<string, ConfigSource>;
  try {
    ({ config, sources } = loadConfig(options.config));
    if (config.orgId === '' && config.scope === 'organization') {
      options.onWait?.(`org_id is not configured: asking ${displayBaseUrl(config.baseUrl)}${SELF_PATH}`);
      config = await resolveOrgId(config, { retryTimeouts: false });
    }
  } catch (error) {
    const message = describeFailure(error, options.config.env).message;
    return [{ check: 'config', ok: false, detail: message }, databaseRow(options.database)];
  }
  const configured = sources.org_id;
  const origin = configured === undefined ? orgIdOrigin(config) : `from ${describeSource(configured)}`;
  const detail =
    config.scope === 'enterprise'
      ? `from ${sourcesUsed(sources)}; scope enterprise, ${config.orgIds === null ? 'every organization' : `org_ids ${config.orgIds.join(',')}`}`
      : `from ${sourcesUsed(sources)}; scope organization, org_id ${config.orgId} ${origin}`;
  return [
    { check: 'config', ok: true, detail },
    ...(await apiRows(config, options)),
    databaseRow(options.database),
  ];
}
