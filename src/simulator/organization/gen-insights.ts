import type { JsonObject, JsonValue } from '../../tap/json.js';
import { hash, Rng, TAG } from '../core/random.js';
import { SPECIAL } from '../core/special.js';
import { LANGUAGES, sentence, TOOLS } from '../core/text.js';

export function sessionSize(messages: number): string {
  if (messages < 5) return 'xs';
  if (messages < 20) return 's';
  if (messages < 60) return 'm';
  if (messages < 200) return 'l';
  return 'xl';
}

/** A member that the API may omit (undefined) or send as null. */
function member(rng: Rng, full: boolean, make: () => JsonValue): JsonValue | undefined {
  if (full) return make();
  const roll = rng.next();
  if (roll < 0.12) return undefined;
  return roll < 0.22 ? null : make();
}

function issues(rng: Rng): JsonObject[] {
  const count = rng.int(0, 3);
  const out: JsonObject[] = [];
  for (let n = 1; n <= count; n++) {
    out.push({
      impact: rng.pick(['high', 'medium', 'low']),
      issue: sentence(rng, 5, 12),
      label: rng.pick(['ambiguous_prompt', 'missing_access', 'flaky_environment', 'slow_feedback']),
      id: `issue-${n}`,
    });
  }
  return out;
}

function noteUsage(rng: Rng, noteIds: readonly string[]): JsonObject {
  const usage = (): JsonObject[] =>
    (noteIds.length === 0 ? [] : rng.some(noteIds, 0, 2)).map((noteId) => ({
      message: sentence(rng, 3, 8),
      note_id: noteId,
      reason: sentence(rng, 3, 8),
    }));
  return { good_usages: usage(), bad_usages: usage() };
}

/**
 * Analysis shaped as in the reference; null until generated (new/claimed sessions, and some others).
 * `noteIds` are real knowledge note ids, so note_usage points at notes the org has.
 */
export function generateAnalysis(
  seed: number,
  index: number,
  status: string,
  noteIds: readonly string[],
): JsonValue {
  const rng = new Rng(hash(seed, TAG.insight, index));
  const full = index === SPECIAL.nullTitle;
  if (
    !full &&
    (index === SPECIAL.noMessages || status === 'new' || status === 'claimed' || rng.chance(0.3))
  ) {
    return null;
  }
  const found = issues(rng);
  const issueId = (): string | null =>
    found.length > 0 && rng.chance(0.7) ? String(rng.pick(found).id) : null;
  const members: Record<string, JsonValue | undefined> = {
    classification: member(rng, full, () => ({
      category: rng.pick(['bug_fixing', 'feature_development', 'testing']),
      confidence: Math.round(rng.next() * 100) / 100,
      programming_languages: rng.some(LANGUAGES, 1, 3),
      tools_and_frameworks: rng.some(TOOLS, 0, 3),
    })),
    issues: member(rng, full, () => found),
    action_items: member(rng, full, () =>
      found.map((issue) => ({
        action_item: sentence(rng, 4, 10),
        issue_id: issue.id ?? null,
        type: rng.pick(['prompt', 'knowledge', 'environment']),
      })),
    ),
    timeline: member(rng, full, () =>
      [0, 1, 2].map(() => ({
        title: sentence(rng, 2, 4),
        description: sentence(rng, 5, 12),
        color: rng.pick(['green', 'yellow', 'red']),
        issue_id: issueId(),
      })),
    ),
    note_usage: member(rng, full, () => noteUsage(rng, noteIds)),
    suggested_prompt: member(rng, full, () => ({
      original_prompt: sentence(rng, 6, 14),
      suggested_prompt: sentence(rng, 10, 20),
      feedback_items: [
        {
          summary: sentence(rng, 3, 6),
          details: sentence(rng, 6, 12),
          excerpt: sentence(rng, 3, 6),
          issue_id: issueId(),
        },
      ],
    })),
  };
  const analysis: JsonObject = {};
  for (const [key, value] of Object.entries(members)) if (value !== undefined) analysis[key] = value;
  return analysis;
}
