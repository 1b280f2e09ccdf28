// Entry of the thread that owns the database (see worker-target.ts): opens the target, then runs
// the calls it receives one after another, in the order they were sent, and answers each.
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage, TapError, TargetError } from '../tap/errors.js';
import type { Coverage, RereadScope } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import { openTarget } from './open-target.js';
import { chunkBuffers, isEncoded, type WriteRows } from './row-batch.js';
import type { RunRecord } from './runs-table.js';
import type { RejectedRecord, StreamSchema, Target } from './target.js';
import type {
  CallRequest,
  TargetCall,
  WorkerFailure,
  WorkerOptions,
  WorkerReply,
} from './worker-protocol.js';

function failure(error: unknown): WorkerFailure {
  return { message: errorMessage(error), targetError: error instanceof TapError };
}

/** An encoded batch's chunks go back with the answer, to be filled again (see ChunkPool). */
async function write(
  target: Target,
  stream: string,
  rows: WriteRows,
  extractedAt: number[] | undefined,
): Promise<unknown> {
  const stats = await target.write(stream, rows, extractedAt);
  return isEncoded(rows) ? { stats, chunks: chunkBuffers(rows) } : stats;
}

/** The buffers an answer moves back instead of copying. */
function transferOf(call: TargetCall, value: unknown): ArrayBuffer[] {
  if (call.method !== 'write' || typeof value !== 'object' || value === null || !('chunks' in value))
    return [];
  return value.chunks as ArrayBuffer[];
}

function run(target: Target, call: TargetCall): Promise<unknown> {
  const a = call.args;
  switch (call.method) {
    case 'prepare':
      return target.prepare(a[0] as StreamSchema[]);
    case 'migrate':
      return target.migrate(a[0] as StreamSchema[]);
    case 'write':
      return write(target, a[0] as string, a[1] as WriteRows, a[2] as number[] | undefined);
    case 'checkpoint':
      return target.checkpoint(a[0] as TapState);
    case 'clearScope':
      return target.clearScope(a[0] as string, a[1] as RereadScope, a[2] as JsonObject[]);
    case 'readState':
      return target.readState();
    case 'beginFullRefresh':
      return target.beginFullRefresh(a[0] as string, a[1] as Coverage | undefined);
    case 'completeFullRefresh':
      return target.completeFullRefresh(
        a[0] as string,
        a[1] as TapState | undefined,
        a[2] as Coverage | undefined,
      );
    case 'abortFullRefresh':
      return target.abortFullRefresh(a[0] as string);
    case 'reject':
      return target.reject(a[0] as RejectedRecord[]);
    case 'checkObjects':
      return target.checkObjects(a[0] as string[]);
    case 'tableNames':
      return target.tableNames();
    case 'execute':
      return target.execute(a[0] as string[], a[1] as string[] | undefined);
    case 'recordRun':
      return target.recordRun(a[0] as RunRecord);
    case 'close':
      return target.close();
    default:
      throw new TargetError(`unknown target call ${(call as { method: string }).method}`);
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('target-worker.js runs as a worker thread');
  const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
  const options = workerData as WorkerOptions;
  let target: Target;
  try {
    const { kind, path, ...open } = options;
    target = await openTarget(kind, path, open);
  } catch (error) {
    post({ kind: 'open_failed', failure: failure(error) });
    port.close();
    return;
  }
  const takesEncodedRows = target.takesEncodedRows === true;
  post({ kind: 'opened', targetKind: target.kind, path: target.path, takesEncodedRows });
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: CallRequest) => {
    queue = queue.then(async () => {
      try {
        const value = await run(target, request.call);
        post({ kind: 'result', id: request.id, value }, transferOf(request.call, value));
      } catch (error) {
        post({ kind: 'failed', id: request.id, failure: failure(error) });
      }
      if (request.call.method === 'close') port.close();
    });
  });
}

await main();
