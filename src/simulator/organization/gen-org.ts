import type { JsonObject } from '../../tap/json.js';
import { hash, Rng, TAG } from '../core/random.js';
import { paragraph, REPOS, sentence } from '../core/text.js';

export interface OrgTimes {
  createdAt: number;
  updatedAt: number;
}

const PEOPLE = ['email|5f2b9c', 'github|88123', 'google-oauth2|1049', 'service-user-7a1c'];

export function generatePlaybook(
  seed: number,
  orgId: string,
  id: string,
  index: number,
  times: OrgTimes,
): JsonObject {
  const rng = new Rng(hash(seed, TAG.playbook, index));
  const name = rng.pick(['triage', 'release', 'migrate', 'review', 'onboard', 'hotfix']);
  const enterprise = rng.chance(0.15);
  const playbook: JsonObject = {
    playbook_id: id,
    title: index % 7 === 3 ? `Playbook ${index}: déploiement 🚢` : `Playbook ${index}: ${name}`,
    body: `## Procedure\n${paragraph(rng, rng.int(2, 8))}\n\n## Specifications\n- ${sentence(rng, 4, 9)}`,
    macro: rng.chance(0.6) ? `!${name}${index}` : null,
    access_type: enterprise ? 'enterprise' : 'org',
    org_id: enterprise ? null : orgId,
    created_at: times.createdAt,
    updated_at: times.updatedAt,
    created_by: rng.pick(PEOPLE),
    updated_by: rng.pick(PEOPLE),
  };
  if (index % 5 === 1) playbook.beta_flag = 'playbooks-v2';
  return playbook;
}

/**
 * Secret metadata. Some items also carry `value`, which the real API never sends: the simulator adds
 * it on purpose so tests prove the tap projects secrets onto the documented fields.
 */
export function generateSecret(seed: number, id: string, index: number, times: OrgTimes): JsonObject {
  const rng = new Rng(hash(seed, TAG.secret, index));
  const secret: JsonObject = {
    secret_id: id,
    key: rng.chance(0.1)
      ? null
      : rng.pick(['GITHUB_TOKEN', 'NPM_TOKEN', 'AWS_ACCESS_KEY_ID', 'DB_URL', 'SESSION']),
    note: rng.chance(0.4) ? null : sentence(rng, 3, 8),
    is_sensitive: rng.chance(0.8),
    secret_type: rng.pick(['cookie', 'key-value', 'totp']),
    access_type: rng.chance(0.7) ? 'org' : 'personal',
    created_at: times.createdAt,
    created_by: rng.pick(PEOPLE),
    updated_at: null,
    updated_by: null,
  };
  if (times.updatedAt !== times.createdAt && rng.chance(0.7)) {
    secret.updated_at = times.updatedAt;
    secret.updated_by = rng.pick(PEOPLE);
  }
  if (index % 3 === 0) secret.value = `sim-secret-value-${rng.hex(12)}`;
  return secret;
}

export function generateNote(
  seed: number,
  orgId: string,
  id: string,
  index: number,
  times: OrgTimes,
): JsonObject {
  const rng = new Rng(hash(seed, TAG.note, index));
  const folder = rng.chance(0.3)
    ? null
    : rng.pick(['engineering', 'engineering/backend', 'onboarding', 'ops']);
  const enterprise = rng.chance(0.1);
  const note: JsonObject = {
    note_id: id,
    name: index % 6 === 2 ? `Note ${index}: 日本語のメモ 📝` : `Note ${index}: ${sentence(rng, 2, 4)}`,
    body: paragraph(rng, rng.int(1, 6), index % 6 === 2),
    trigger: `When working on ${rng.pick(REPOS)}`,
    is_enabled: rng.chance(0.85),
    folder_id: folder ? `folder-${rng.hex(12)}` : null,
    folder_path: folder ? `/${folder}` : '/',
    pinned_repo: rng.chance(0.4) ? rng.pick(REPOS) : null,
    macro: rng.chance(0.3) ? `!note${index}` : null,
    access_type: enterprise ? 'enterprise' : 'org',
    org_id: enterprise ? null : orgId,
    created_at: times.createdAt,
    updated_at: times.updatedAt,
  };
  if (index % 4 === 1) note.beta_flag = { rollout: 0.5 };
  return note;
}
