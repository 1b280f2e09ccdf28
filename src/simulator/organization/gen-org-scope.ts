import type { JsonObject } from '../../tap/json.js';
import { hash, hex8, Rng, TAG, unit } from '../core/random.js';
import { REPOS } from '../core/text.js';

const FIRST = ['Hedy', 'Edsger', 'Donald', 'Katherine', 'John', 'Shafi', 'Leslie', 'Sophie'];
const LAST = ['Lamarr', 'Dijkstra', 'Knuth', 'Johnson', 'Backus', 'Goldwasser', 'Lamport', 'Wilson'];
const GROUPS = ['okta-engineering', 'okta-data', 'okta-contractors'];
const LANGUAGES = ['TypeScript', 'Python', 'Go', 'HCL', 'Kotlin', 'Markdown'];
const INDEXING = ['indexed', 'indexed', 'indexing', 'not_indexed'];
const AGENTS = ['devin', 'data_analyst', 'advanced'];
const FREQUENCIES = ['0 9 * * 1-5', '0 */6 * * *', '30 2 * * *', '0 8 * * 1'];

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());

/** One member through an IdP group, as `/members/idp-users` serves it. */
export function generateIdpUser(seed: number, orgId: string, userId: string, index: number): JsonObject {
  const rng = new Rng(hash(seed, TAG.idpUser, index));
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return {
    user_id: userId,
    email: index === 1 ? null : `${first}.${last}.${index}@acme.example`.toLowerCase(),
    name: `${first} ${last}`,
    idp_role_assignments: [
      {
        idp_group_name: rng.pick(GROUPS),
        role: { role_id: 'role-org-member', role_name: 'Member', role_type: 'org' },
        org_id: orgId,
      },
    ],
  };
}

/** One repository of REPOS; indexing_status only when asked for (`load_indexing_status=true`). */
export function generateRepository(seed: number, index: number, withStatus: boolean, at: number): JsonObject {
  const path = REPOS[index] ?? `acme/repo-${index}`;
  const rng = new Rng(hash(seed, TAG.repository, index));
  return {
    repo_name: path.split('/')[1] ?? path,
    repo_path: path,
    repo_description: index === 2 ? null : `The ${path} repository`,
    repo_language: LANGUAGES[index % LANGUAGES.length] ?? null,
    provider_repository_id: String(rng.int(10_000_000, 99_999_999)),
    git_connection_id: 'git-connection-github',
    git_connection_host: 'github.com',
    last_updated_at: iso(at - rng.int(0, 30 * 86_400)),
    indexing_status: withStatus ? rng.pick(INDEXING) : null,
  };
}

/** One schedule at `index` (ISO 8601 timestamps, the API's only stream with them). */
export function generateSchedule(
  seed: number,
  index: number,
  at: number,
  playbook: { playbook_id: string; title: string } | null,
): JsonObject {
  const rng = new Rng(hash(seed, TAG.schedule, index));
  const created = at - rng.int(30, 400) * 86_400;
  const failures = rng.chance(0.3) ? rng.int(1, 6) : 0;
  const executed = rng.chance(0.9) ? at - rng.int(1, 3 * 86_400) : null;
  const errorAt = failures > 0 && executed !== null ? executed : null;
  return {
    scheduled_session_id: `schedule-${hex8(hash(seed, TAG.schedule + 100, index))}${hex8(index)}`,
    name: `Nightly job ${index}`,
    prompt: `Run the ${rng.pick(['dependency', 'flaky test', 'lint', 'docs'])} sweep`,
    agent: rng.pick(AGENTS),
    enabled: index % 5 !== 4,
    frequency: rng.pick(FREQUENCIES),
    schedule_type: index % 7 === 6 ? 'one_time' : 'recurring',
    scheduled_at: index % 7 === 6 ? iso(at + 86_400) : null,
    notify_on: rng.pick(['failure', 'always', 'never']),
    playbook,
    tags: rng.some(['nightly', 'infra', 'docs'], 0, 2),
    consecutive_failures: failures,
    last_executed_at: iso(executed),
    last_error_at: iso(errorAt),
    last_error_message: errorAt === null ? null : 'Repository setup failed: could not clone',
    created_by: `email|${hex8(hash(seed, TAG.schedule + 200, index))}`,
    last_edited_by: null,
    slack_channel_id: rng.chance(0.5)
      ? `C${hex8(hash(seed, TAG.schedule + 300, index)).toUpperCase()}`
      : null,
    target_devin_id: null,
    created_at: iso(created),
    updated_at: iso(created + rng.int(0, 29) * 86_400),
  };
}

/** How many attachments base session `index` has (0 to 2) and how many searches it made (0 to 2). */
export function baseAttachmentCount(seed: number, index: number): number {
  return Math.max(0, Math.floor(unit(hash(seed, TAG.attachment, index)) * 4) - 1);
}

export function searchCount(seed: number, index: number): number {
  return Math.max(0, Math.floor(unit(hash(seed, TAG.search, index)) * 4) - 1);
}

/** The `ordinal`-th attachment of session `index`; `content_type` is absent on every third. */
export function generateAttachment(seed: number, index: number, ordinal: number): JsonObject {
  const id = `attachment-${hex8(hash(seed, TAG.attachment + 100, index, ordinal))}`;
  const rng = new Rng(hash(seed, TAG.attachment + 200, index, ordinal));
  const [name, type] = rng.pick([
    ['screenshot.png', 'image/png'],
    ['requirements.pdf', 'application/pdf'],
    ['trace log.txt', 'text/plain'],
  ] as const);
  return {
    attachment_id: id,
    name,
    source: ordinal % 2 === 0 ? 'user' : 'devin',
    url: `https://app.devin.ai/attachments/${id}/${encodeURIComponent(name)}`,
    ...(ordinal % 3 === 1 ? {} : { content_type: type }),
  };
}
