import { randomUUID } from 'node:crypto';
import { interruptOf } from '../interrupts.js';
import { errorMessage } from '../tap/errors.js';
import type { JsonObject } from '../tap/json.js';
import type { RunRecord, RunStatus } from '../targets/runs-table.js';
import type { Target } from '../targets/target.js';

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  rowsWritten: number;
  requests: number | null;
  streams: JsonObject;
  error?: string | null;
}

/**
 * A run's row in `_devin_tap_runs`: written as `running` when the run starts (so a killed run
 * leaves a trace), completed when it ends, however it ends.
 */
export class RunHistory {
  private constructor(
    private readonly target: Target,
    private readonly record: RunRecord,
    private readonly now: () => number,
  ) {}

  static async start(target: Target, command: RunRecord['command'], now: () => number): Promise<RunHistory> {
    const record: RunRecord = {
      runId: randomUUID(),
      command,
      startedAt: now(),
      finishedAt: null,
      status: 'running',
      rowsWritten: 0,
      requests: command === 'load' ? null : 0,
      streams: {},
      pid: process.pid,
      error: null,
    };
    await target.recordRun(record);
    return new RunHistory(target, record, now);
  }

  /** Completes the row; a failure to write it fails the run. */
  finish(outcome: RunOutcome): Promise<void> {
    return this.target.recordRun({
      ...this.record,
      ...outcome,
      error: outcome.error ?? null,
      finishedAt: this.now(),
    });
  }

  /**
   * Completes the row of a run that ended with an error (interrupted when the signal says so).
   * Best effort: the database may be the cause, and the run's own error is the one to report.
   */
  async failed(error: unknown, signal: AbortSignal | undefined, partial: Partial<RunOutcome> = {}) {
    const interrupted = interruptOf(signal) !== null;
    await this.finish({
      rowsWritten: 0,
      requests: this.record.requests,
      streams: {},
      ...partial,
      status: interrupted ? 'interrupted' : 'failed',
      error: interrupted ? null : errorMessage(error),
    }).catch(() => undefined);
  }
}
