import type { ReadPlan } from '../state/cursor-plan.js';

export type SharedQuery = Pick<ReadPlan, 'createdAfter' | 'updatedAfter' | 'updatedBefore' | 'startAfter'>;

const lowest = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.min(a, b));
const highest = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.max(a, b));

/**
 * One sessions read serves both streams. Same query (the usual case, and always on resume from a
 * shared checkpoint): use it. Different (say session_messages newly selected): ask for the union
 * from the first page; each stream then filters its own part client-side.
 */
export function sharedQuery(a: ReadPlan, b: ReadPlan | null): SharedQuery {
  const pick = ({ createdAfter, updatedAfter, updatedBefore, startAfter }: ReadPlan) => ({
    createdAfter,
    updatedAfter,
    updatedBefore,
    startAfter,
  });
  if (b === null) return pick(a);
  const same = JSON.stringify(pick(a)) === JSON.stringify(pick(b));
  if (same) return pick(a);
  return {
    createdAfter: lowest(a.createdAfter, b.createdAfter),
    updatedAfter: lowest(a.updatedAfter, b.updatedAfter),
    updatedBefore: highest(a.updatedBefore, b.updatedBefore),
    startAfter: null,
  };
}
