import { RunEndingApiError } from '../errors.js';
import type { StreamDef } from '../streams/index.js';
import { type ChildPage, type Job, planForParent } from './family-side.js';
import { type ReaderDeps, streamPages } from './pages.js';
import { isNotFound, parentGone } from './parent-gone.js';
import { parentQuery, resolvePath, withParentFields } from './stream-path.js';

/**
 * Every page of one parent's children, shaped, the parent's fields copied in. A 404 whose parent is
 * gone is skipped; a failure of a `per_parent` child is that parent's alone (kept in
 * `failedParents`); any other failure is the child stream's (`error`), and its other reads stop.
 * `scoped`: the reader's deps under the fan-out's signal too (one signal for every parent).
 */
export async function* readChildren(
  scoped: ReaderDeps,
  rootDef: StreamDef,
  { child, parent, key }: Job,
): AsyncGenerator<readonly ChildPage[]> {
  if (child.error !== null) return;
  try {
    const path = resolvePath(child.def, scoped.config.orgId, parent);
    const plan = planForParent(child.plan, key);
    const query = parentQuery(child.def, parent);
    for await (const page of streamPages(scoped, child.run, child.def, path, plan, null, query)) {
      const items = page.items.map((item) => child.run.shape(withParentFields(child.def, item, parent)));
      yield [{ items, covers: page.covers ?? null }];
      if (child.error !== null) return;
    }
  } catch (error) {
    if (scoped.signal.aborted) return;
    if (isNotFound(error) && (await parentGone(scoped, child, rootDef, parent))) return;
    if (child.def.parent?.failures === 'per_parent' && !(error instanceof RunEndingApiError)) {
      child.failedParents.set(key, error);
      return;
    }
    child.error ??= error;
  }
}
