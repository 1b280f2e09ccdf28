import { Worker } from 'node:worker_threads';
import { TargetError } from '../tap/errors.js';
import type { Coverage, RereadScope } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import type { OpenTargetOptions } from './open-target.js';
import { isEncoded, restoreChunks, transferables, type WriteRows } from './row-batch.js';
import type { RunRecord } from './runs-table.js';
import type {
  MigratedColumns,
  RejectedRecord,
  StreamSchema,
  Target,
  TargetKind,
  WriteStats,
} from './target.js';
import type {
  CallRequest,
  TargetCall,
  WorkerFailure,
  WorkerOptions,
  WorkerReply,
} from './worker-protocol.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The thread's young generation: batches live from one call to the next, so a small nursery costs
 * a few more scavenges and keeps tens of MB of the default out of the resident set.
 */
const YOUNG_GENERATION_MB = 12;

/** How long `close` waits for the thread to finish closing the database before it is stopped. */
const CLOSE_DEADLINE_MS = 60_000;

function rebuilt(failure: WorkerFailure): Error {
  return failure.targetError ? new TargetError(failure.message) : new Error(failure.message);
}

/**
 * A Target whose database lives on a worker thread: every call is posted to the thread and runs
 * there in the order it was made, so a checkpoint still commits exactly the rows written before it.
 * Encoded rows (see EncodedRows) move to the thread without a copy; other arguments are cloned.
 * Parsing and shaping rows, the appender or prepared statements, upserts and commits run beside the
 * calling thread, while the reader goes on.
 */
export class WorkerTarget implements Target {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: Error | null = null;

  private constructor(
    readonly kind: TargetKind,
    readonly path: string,
    readonly takesEncodedRows: boolean,
    private readonly worker: Worker,
  ) {
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`exited with code ${code}`)));
  }

  /** Opens the database on a new thread; fails as `openTarget` fails (the same errors). */
  static open(kind: TargetKind, path: string, options: OpenTargetOptions = {}): Promise<WorkerTarget> {
    const data: WorkerOptions = {
      kind,
      path,
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
    };
    const worker = new Worker(new URL('./target-worker.js', import.meta.url), {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    return new Promise((resolve, reject) => {
      const early = (error: Error) => reject(new TargetError(`cannot open ${path}: ${error.message}`));
      worker.once('error', early);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', early);
        if (reply.kind === 'opened')
          resolve(new WorkerTarget(reply.targetKind, reply.path, reply.takesEncodedRows, worker));
        else {
          reject(reply.kind === 'open_failed' ? rebuilt(reply.failure) : new TargetError('unexpected reply'));
          void worker.terminate();
        }
      });
    });
  }

  prepare(streams: readonly StreamSchema[]): Promise<void> {
    return this.call({ method: 'prepare', args: [streams] }) as Promise<void>;
  }

  migrate(streams: readonly StreamSchema[]): Promise<MigratedColumns[]> {
    return this.call({ method: 'migrate', args: [streams] }) as Promise<MigratedColumns[]>;
  }

  /**
   * Encoded rows are transferred, and their chunks come back with the answer (in the batch's place);
   * objects are cloned.
   */
  async write(stream: string, rows: WriteRows, extractedAt?: readonly number[]): Promise<WriteStats> {
    if (!isEncoded(rows))
      return this.call({ method: 'write', args: [stream, rows, extractedAt] }) as Promise<WriteStats>;
    const written = await this.call({ method: 'write', args: [stream, rows] }, transferables(rows));
    const { stats, chunks } = written as { stats: WriteStats; chunks: ArrayBuffer[] };
    restoreChunks(rows, chunks);
    return stats;
  }

  clearScope(stream: string, scope: RereadScope, kept: readonly JsonObject[]): Promise<void> {
    return this.call({ method: 'clearScope', args: [stream, scope, kept] }) as Promise<void>;
  }

  checkpoint(state: TapState): Promise<void> {
    return this.call({ method: 'checkpoint', args: [state] }) as Promise<void>;
  }

  readState(): Promise<TapState> {
    return this.call({ method: 'readState', args: [] }) as Promise<TapState>;
  }

  beginFullRefresh(stream: string, coverage?: Coverage): Promise<void> {
    return this.call({ method: 'beginFullRefresh', args: [stream, coverage] }) as Promise<void>;
  }

  completeFullRefresh(stream: string, state?: TapState, coverage?: Coverage): Promise<void> {
    return this.call({ method: 'completeFullRefresh', args: [stream, state, coverage] }) as Promise<void>;
  }

  abortFullRefresh(stream: string): Promise<void> {
    return this.call({ method: 'abortFullRefresh', args: [stream] }) as Promise<void>;
  }

  reject(records: readonly RejectedRecord[]): Promise<void> {
    return this.call({ method: 'reject', args: [records] }) as Promise<void>;
  }

  checkObjects(names: readonly string[]): Promise<void> {
    return this.call({ method: 'checkObjects', args: [names] }) as Promise<void>;
  }

  tableNames(): Promise<Set<string>> {
    return this.call({ method: 'tableNames', args: [] }) as Promise<Set<string>>;
  }

  execute(statements: readonly string[], views?: readonly string[]): Promise<void> {
    return this.call({ method: 'execute', args: [statements, views] }) as Promise<void>;
  }

  recordRun(run: RunRecord): Promise<void> {
    return this.call({ method: 'recordRun', args: [run] }) as Promise<void>;
  }

  /** Closes the database (pending rows no checkpoint covered are discarded), then ends the thread. */
  async close(): Promise<void> {
    if (this.stopped) return;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_DEADLINE_MS).unref());
    try {
      await Promise.race([this.call({ method: 'close', args: [] }), deadline]);
    } finally {
      this.stopped ??= new TargetError(`${this.path} is closed`);
      await this.worker.terminate();
    }
  }

  private call(call: TargetCall, transfer: readonly ArrayBuffer[] = []): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    const request: CallRequest = { id, call };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request, [...transfer]);
    });
  }

  private settle(reply: WorkerReply): void {
    if (reply.kind !== 'result' && reply.kind !== 'failed') return;
    const pending = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (reply.kind === 'result') pending?.resolve(reply.value);
    else pending?.reject(rebuilt(reply.failure));
  }

  /** The thread ended or failed: every call still waiting fails, and so does every later one. */
  private stop(cause: Error): void {
    this.stopped ??= new TargetError(`the thread writing ${this.path} stopped: ${cause.message}`, { cause });
    for (const pending of this.pending.values()) pending.reject(this.stopped);
    this.pending.clear();
  }
}
