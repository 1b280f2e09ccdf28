import type { ReadPlan } from '../state/cursor-plan.js';

type Bounds = Pick<ReadPlan, 'createdAfter' | 'updatedAfter' | 'updatedBefore'>;
export type SharedQuery = Bounds & { startAfter: string | null; pages: number };

/** What one stream asks of the shared parent read: its bounds (none: every parent) and where it resumes. */
export interface SharedPart {
  plan: ReadPlan;
  /** False for a child that needs every parent on every run. */
  filtersParents: boolean;
}

const NO_BOUNDS: Bounds = { createdAfter: null, updatedAfter: null, updatedBefore: null };
const lowest = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.min(a, b));
const highest = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.max(a, b));

function boundsOf({ plan, filtersParents }: SharedPart): Bounds {
  if (!filtersParents) return NO_BOUNDS;
  return {
    createdAfter: plan.createdAfter,
    updatedAfter: plan.updatedAfter,
    updatedBefore: plan.updatedBefore,
  };
}

/**
 * One parent read serves the parent and its children. The same bounds (the usual case, and always
 * on resume from a shared checkpoint): use them, else ask for the union and let each stream keep
 * its own part. Resume where the stream furthest behind stopped: checkpoints of one read can differ
 * when one was committed after the other, and the streams ahead then re-read a few pages (upserts),
 * instead of everyone starting over on page 1.
 */
export function sharedQuery(parts: readonly SharedPart[]): SharedQuery {
  const bounds = parts.map(boundsOf);
  const first = bounds[0] ?? NO_BOUNDS;
  const same = bounds.every((b) => JSON.stringify(b) === JSON.stringify(first));
  if (!same) {
    const union = bounds.reduce((a, b) => ({
      createdAfter: lowest(a.createdAfter, b.createdAfter),
      updatedAfter: lowest(a.updatedAfter, b.updatedAfter),
      updatedBefore: highest(a.updatedBefore, b.updatedBefore),
    }));
    return { ...union, startAfter: null, pages: 0 };
  }
  const plans = parts.map((part) => part.plan);
  const lead = plans[0];
  if (lead && plans.every((plan) => plan.startAfter === lead.startAfter)) {
    return { ...first, startAfter: lead.startAfter, pages: lead.pages ?? 0 };
  }
  const known = plans.filter((plan) => plan.startAfter !== null && plan.pages !== null);
  if (known.length === plans.length) {
    const behind = known.reduce((a, b) => ((b.pages ?? 0) < (a.pages ?? 0) ? b : a));
    return { ...first, startAfter: behind.startAfter, pages: behind.pages ?? 0 };
  }
  return { ...first, startAfter: null, pages: 0 };
}
