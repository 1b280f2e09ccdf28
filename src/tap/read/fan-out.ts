import { Channel } from './channel.js';

/** A page of parent records; `expand` is the subset whose children are read. */
export interface ParentBatch<P, M> {
  meta: M;
  parents: readonly P[];
  expand: readonly P[];
}

export type FanOutEvent<P, C, M> =
  /** A parent page arrived (before any of its children). */
  | { kind: 'batch'; meta: M; parents: readonly P[] }
  /** One page of one parent's children. */
  | { kind: 'children'; parent: P; items: readonly C[] }
  /** Every child of this parent has been yielded (the parent's batch may still be open). */
  | { kind: 'parent_done'; parent: P }
  /** Every child of this batch and of every earlier batch has been yielded: a safe checkpoint. */
  | { kind: 'batch_done'; meta: M };

export type ChildReader<P, C> = (parent: P, signal: AbortSignal) => AsyncIterable<readonly C[]>;

interface OpenBatch<M> {
  meta: M;
  pending: number;
}

/**
 * Reads the children of every parent with at most `concurrency` parents in progress. The next
 * parent batch is pulled once fewer jobs than workers are left (so the workers do not all wait for
 * the next parent page), at most one batch ahead; child pages go through a bounded channel, so
 * memory stays bounded. Any error (a parent page, a child page, a missing bind field) stops every
 * worker and is thrown to the consumer: nothing is skipped silently.
 */
export async function* fanOut<P, C, M>(
  batches: AsyncIterable<ParentBatch<P, M>>,
  readChildren: ChildReader<P, C>,
  options: { concurrency: number; buffer?: number },
): AsyncGenerator<FanOutEvent<P, C, M>> {
  const out = new Channel<FanOutEvent<P, C, M>>(options.buffer ?? Math.max(4, options.concurrency * 2));
  const abort = new AbortController();
  const source = batches[Symbol.asyncIterator]();
  const open: OpenBatch<M>[] = [];
  const jobs: { parent: P; batch: OpenBatch<M> }[] = [];
  let exhausted = false;
  let pulling: Promise<void> | null = null;
  let flushing: Promise<void> = Promise.resolve();

  const fail = (error: unknown): void => {
    abort.abort(error);
    out.close(error);
  };

  // Serialized, so batch_done events leave in batch order.
  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      while (open[0] && open[0].pending === 0) {
        const done = open.shift();
        if (done) await out.push({ kind: 'batch_done', meta: done.meta });
      }
    });
    return flushing;
  };

  const pullBatch = async (): Promise<void> => {
    const next = await source.next();
    if (next.done) {
      exhausted = true;
      return;
    }
    const batch: OpenBatch<M> = { meta: next.value.meta, pending: next.value.expand.length };
    open.push(batch);
    await out.push({ kind: 'batch', meta: batch.meta, parents: next.value.parents });
    for (const parent of next.value.expand) jobs.push({ parent, batch });
    await flush();
  };

  /** Starts pulling the next batch unless one is on its way; never rejects (a failure ends all). */
  const pull = (): Promise<void> => {
    if (exhausted || out.isClosed) return Promise.resolve();
    pulling ??= pullBatch()
      .catch(fail)
      .finally(() => {
        pulling = null;
      });
    return pulling;
  };

  const nextJob = async (): Promise<{ parent: P; batch: OpenBatch<M> } | null> => {
    for (;;) {
      const job = jobs.shift();
      if (job) {
        if (jobs.length < options.concurrency) void pull();
        return job;
      }
      if (exhausted || out.isClosed) return null;
      await pull();
    }
  };

  const worker = async (): Promise<void> => {
    for (let job = await nextJob(); job !== null; job = await nextJob()) {
      for await (const items of readChildren(job.parent, abort.signal)) {
        if (!(await out.push({ kind: 'children', parent: job.parent, items }))) return;
      }
      if (abort.signal.aborted || !(await out.push({ kind: 'parent_done', parent: job.parent }))) return;
      job.batch.pending -= 1;
      await flush();
    }
  };

  const workers = Array.from({ length: options.concurrency }, () => worker());
  Promise.all(workers)
    .then(() => flush())
    .then(() => out.close(), fail);
  try {
    yield* out.drain();
  } finally {
    abort.abort();
    out.close();
    source.return?.().catch(() => undefined);
  }
}
