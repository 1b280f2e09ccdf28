import { type Stats, statSync } from 'node:fs';
import { TargetError } from '../tap/errors.js';
import type { Coverage, RereadScope } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import type { WriteRows } from './row-batch.js';
import type { RunRecord } from './runs-table.js';
import type { MigratedColumns, RejectedRecord, StreamSchema, Target, WriteStats } from './target.js';

function identity(path: string): Stats | undefined {
  return statSync(path, { throwIfNoEntry: false });
}

/**
 * A target that notices when its database file is deleted or replaced while it writes: the open
 * file would take every row and vanish on close, and the run would report success. Checked before
 * and after each commit; a change fails the run loudly.
 */
export class WatchedTarget implements Target {
  private readonly opened: Stats;

  constructor(private readonly inner: Target) {
    const stats = identity(inner.path);
    if (!stats) throw new TargetError(`database ${inner.path} disappeared as it was opened`);
    this.opened = stats;
  }

  get kind() {
    return this.inner.kind;
  }

  get path() {
    return this.inner.path;
  }

  get takesEncodedRows(): boolean {
    return this.inner.takesEncodedRows === true;
  }

  /** Throws when the path no longer holds the file that was opened. */
  private check(): void {
    const now = identity(this.path);
    if (now && now.dev === this.opened.dev && now.ino === this.opened.ino) return;
    const what = now ? 'replaced by another file' : 'deleted';
    throw new TargetError(
      `database ${this.path} was ${what} while devin-tap was writing to it: the rows since it was ` +
        'opened are not in the file at that path; run the command again',
    );
  }

  private async committing<T>(work: () => Promise<T>): Promise<T> {
    this.check();
    const result = await work();
    this.check();
    return result;
  }

  prepare(streams: readonly StreamSchema[]): Promise<void> {
    return this.inner.prepare(streams);
  }
  migrate(streams: readonly StreamSchema[]): Promise<MigratedColumns[]> {
    return this.committing(() => this.inner.migrate(streams));
  }
  write(stream: string, rows: WriteRows, extractedAt?: readonly number[]): Promise<WriteStats> {
    return this.inner.write(stream, rows, extractedAt);
  }
  clearScope(stream: string, scope: RereadScope, kept: readonly JsonObject[]): Promise<void> {
    return this.inner.clearScope(stream, scope, kept);
  }
  checkpoint(state: TapState): Promise<void> {
    return this.committing(() => this.inner.checkpoint(state));
  }
  readState(): Promise<TapState> {
    return this.inner.readState();
  }
  beginFullRefresh(stream: string, coverage?: Coverage): Promise<void> {
    return this.inner.beginFullRefresh(stream, coverage);
  }
  completeFullRefresh(stream: string, state?: TapState, coverage?: Coverage): Promise<void> {
    return this.committing(() => this.inner.completeFullRefresh(stream, state, coverage));
  }
  abortFullRefresh(stream: string): Promise<void> {
    return this.inner.abortFullRefresh(stream);
  }
  reject(records: readonly RejectedRecord[]): Promise<void> {
    return this.inner.reject(records);
  }
  checkObjects(names: readonly string[]): Promise<void> {
    return this.inner.checkObjects(names);
  }
  tableNames(): Promise<Set<string>> {
    return this.inner.tableNames();
  }
  execute(statements: readonly string[], views?: readonly string[]): Promise<void> {
    return this.committing(() => this.inner.execute(statements, views));
  }
  recordRun(run: RunRecord): Promise<void> {
    return this.committing(() => this.inner.recordRun(run));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
