import type { RunOutcome } from '../ops/run-history.js';
import { summaryTotals } from './progress-format.js';
import type { SyncResult } from './run-sync.js';

/** The run history's row of a finished sync: its totals and each stream's counts and outcome. */
export function runOutcome(result: SyncResult): RunOutcome {
  const streams = Object.fromEntries(result.rows.map(({ stream, ...counts }) => [stream, { ...counts }]));
  const totals = summaryTotals(result.rows, result.seconds);
  const error = result.failures.map((failure) => `${failure.stream}: ${failure.message}`).join('; ');
  return {
    status: result.interrupted !== null ? 'interrupted' : error !== '' ? 'failed' : 'ok',
    rowsWritten: totals.rows,
    requests: totals.requests,
    streams,
    error: error === '' ? null : error,
  };
}
