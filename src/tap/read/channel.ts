/**
 * A bounded FIFO between producers and one consumer: `push` waits while the channel is full, so
 * memory stays bounded however fast producers are. `close(error?)` ends it: the consumer drains
 * what is queued and then sees the end (or the error); later pushes return false.
 */
export class Channel<T extends object> {
  private readonly items: T[] = [];
  private readonly spaceWaiters: (() => void)[] = [];
  private itemWaiter: (() => void) | null = null;
  private closed = false;
  private failure: { error: unknown } | null = null;

  constructor(private readonly capacity: number) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves true once queued; false when the channel is (or gets) closed. */
  async push(item: T): Promise<boolean> {
    while (!this.closed && this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) return false;
    this.items.push(item);
    this.wakeConsumer();
    return true;
  }

  /** Ends at once: queued items are dropped and the consumer sees `error` next. */
  abort(error: unknown): void {
    this.items.length = 0;
    this.close(error);
  }

  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (error !== undefined) this.failure = { error };
    for (const waiter of this.spaceWaiters.splice(0)) waiter();
    this.wakeConsumer();
  }

  async *drain(): AsyncGenerator<T> {
    try {
      for (;;) {
        const item = this.items.shift();
        if (item !== undefined) {
          this.spaceWaiters.shift()?.();
          yield item;
          continue;
        }
        if (this.closed) {
          if (this.failure) throw this.failure.error;
          return;
        }
        await new Promise<void>((resolve) => {
          this.itemWaiter = resolve;
        });
      }
    } finally {
      // The consumer left early (break, return, throw): release every blocked producer.
      this.close();
    }
  }

  private wakeConsumer(): void {
    const waiter = this.itemWaiter;
    this.itemWaiter = null;
    waiter?.();
  }
}
