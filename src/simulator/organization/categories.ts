import type { JsonObject } from '../../tap/json.js';

interface Tally {
  sessions: number;
  cents: number;
}

const tallyOf = (map: Map<string, Tally>, key: string): Tally => {
  const tally = map.get(key) ?? { sessions: 0, cents: 0 };
  map.set(key, tally);
  return tally;
};

function titleCase(text: string): string {
  return text.replace(/[_/]+/g, ' ').replace(/^./, (first) => first.toUpperCase());
}

/** `categories` of `/metrics/sessions-by-category`; a session without a category counts as `uncategorized`. */
export function sessionsByCategory(sessions: readonly JsonObject[]): JsonObject[] {
  const categories = new Map<string, { tally: Tally; subs: Map<string, Tally> }>();
  for (const session of sessions) {
    const category = typeof session.category === 'string' ? session.category : 'uncategorized';
    const entry = categories.get(category) ?? { tally: { sessions: 0, cents: 0 }, subs: new Map() };
    categories.set(category, entry);
    const cents = Math.round(Number(session.acus_consumed) * 100);
    entry.tally.sessions++;
    entry.tally.cents += cents;
    if (typeof session.subcategory !== 'string') continue;
    const sub = tallyOf(entry.subs, session.subcategory);
    sub.sessions++;
    sub.cents += cents;
  }
  return [...categories.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, { tally, subs }]) => ({
      category,
      sessions_count: tally.sessions,
      acus: tally.cents / 100,
      subcategories: [...subs.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, sub]) => ({
          subcategory_id: id,
          display_name: titleCase(id.slice(id.indexOf('/') + 1)),
          sessions_count: sub.sessions,
          acus: sub.cents / 100,
        })),
    }));
}
