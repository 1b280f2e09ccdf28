import { createAnalystViews } from '../ops/analyst-views.js';
import { RunHistory, type RunOutcome } from '../ops/run-history.js';
import { VIEW_NAMES } from '../report/views.js';
import { errorMessage, InputError } from '../tap/errors.js';
import { emptyLoadSummary, type LoadOptions, type LoadSummary, runLoad } from './run-load.js';

function outcome(summary: LoadSummary, status: RunOutcome['status']): Omit<RunOutcome, 'error'> {
  const streams = Object.fromEntries(
    Object.entries(summary.streams).map(([stream, counts]) => [stream, { ...counts, status }]),
  );
  return { status, rowsWritten: summary.committed, requests: null, streams };
}

/**
 * The analyst views over what was loaded. A Singer target also loads other taps' streams: tables
 * that do not fit the views leave them out with a warning, never failing a load already committed.
 */
async function viewsOrWarning(options: LoadOptions): Promise<void> {
  try {
    await createAnalystViews(options.target);
  } catch (error) {
    options.log(`warning: the analyst views were not created: ${errorMessage(error)}`);
  }
}

/**
 * `devin-tap load` as `sync` does it: its run in `_devin_tap_runs` (from the first SCHEMA, once the
 * database's objects are known to be devin-tap's, so a refused load changes nothing) and, when it
 * ends, the analyst views over what it loaded.
 */
export async function loadWithHistory(options: LoadOptions): Promise<LoadSummary> {
  const { target } = options;
  const now = options.now ?? Date.now;
  const summary = emptyLoadSummary();
  let history: RunHistory | null = null;
  const start = async () => {
    history ??= await RunHistory.start(target, 'load', now);
    return history;
  };
  const beforeFirstChange = async (stream: string) => {
    await target.checkObjects([stream, ...VIEW_NAMES]);
    await start();
  };
  try {
    await runLoad({ ...options, summary, beforeFirstChange });
  } catch (error) {
    // Bad input before the first SCHEMA still leaves a trace; a refused database is left alone.
    if (error instanceof InputError) await start().catch(() => undefined);
    const started = history as RunHistory | null;
    await started?.failed(error, options.signal, outcome(summary, 'failed'));
    throw error;
  }
  if (summary.interrupted === null) await viewsOrWarning(options);
  await (await start()).finish(outcome(summary, summary.interrupted === null ? 'ok' : 'interrupted'));
  return summary;
}
