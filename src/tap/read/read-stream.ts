import type { TapEvent } from '../events.js';
import { checkpointState, completedState, type ReadPlan } from '../state/cursor-plan.js';
import type { CursorState } from '../state/stream-state.js';
import { listQuery } from './list-query.js';
import { listPages, pageEvents, type ReaderDeps, RecordSelector } from './read-list.js';
import { resolvePath } from './stream-path.js';
import type { StreamRun } from './stream-run.js';

/**
 * One list stream without a parent (sessions_insights, playbooks, secrets, knowledge_notes):
 * every page, a checkpoint after each page but the last, the final state, then complete. Events
 * come in batches (one per page), in order.
 */
export async function* readListStream(
  deps: ReaderDeps,
  run: StreamRun,
  state: CursorState,
  plan: ReadPlan,
): AsyncGenerator<TapEvent[]> {
  yield run.opening();
  try {
    const selector = new RecordSelector(run.def, run.def, plan);
    const path = resolvePath(run.def, deps.config.orgId);
    for await (const page of listPages(deps, run, path, listQuery(run.def, plan), plan.startAfter)) {
      const events = pageEvents(run, selector, page);
      events.push(run.progress(page.total));
      if (page.next !== null)
        events.push(run.state(checkpointState(state, plan, page.next, selector.maxSeen)));
      yield events;
    }
    yield [
      run.state(completedState(state, plan, selector.maxSeen, selector.window.snapshot())),
      run.complete(),
    ];
  } catch (error) {
    if (deps.signal.aborted) throw error;
    yield run.failed(error);
  }
}
