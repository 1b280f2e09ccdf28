import type { JsonObject } from '../tap/json.js';
import { CONFIG_FIELDS } from './config-fields.js';

/** Edit distance (insertions, deletions, substitutions) between two short names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The valid field a name is most likely a misspelling of, or null when none is close. */
export function nearestField(name: string, fields: readonly string[] = CONFIG_FIELDS): string | null {
  const lower = name.toLowerCase().replaceAll('-', '_');
  let best: { field: string; score: number } | null = null;
  for (const field of fields) {
    const score = distance(lower, field);
    if (score <= Math.min(2, Math.floor(field.length / 3)) && (best === null || score < best.score))
      best = { field, score };
  }
  return best?.field ?? null;
}

/**
 * Warnings for config fields that look like misspelt devin-tap fields (`page_sise`). Other unknown
 * fields stay silent: Airbyte and Meltano add their own.
 */
export function misspeltFields(raw: JsonObject): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(raw)) {
    if (CONFIG_FIELDS.includes(name)) continue;
    const near = nearestField(name);
    if (near !== null)
      warnings.push(
        `config field "${name}" is not a devin-tap field and is ignored; did you mean "${near}"?`,
      );
  }
  return warnings;
}
