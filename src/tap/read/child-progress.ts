/**
 * Where a child stream can resume between parent pages: the last page whose parents all had their
 * children read, plus the parents of later (still open) pages already done. Checkpointing this
 * every second or so means an interrupt loses about a second of child reads, not a page of parents.
 */
export const CHILD_CHECKPOINT_MS = 1000;

export interface ChildResumePoint {
  after: string | null;
  pages: number;
  done: readonly string[];
}

export class ChildProgress {
  private readonly open: Set<string>;
  private after: string | null;
  private pages: number;
  private lastCheckpointMs: number;

  constructor(start: { after: string | null; pages: number; done: Iterable<string> }, nowMs: number) {
    this.after = start.after;
    this.pages = start.pages;
    this.open = new Set(start.done);
    this.lastCheckpointMs = nowMs;
  }

  parentDone(key: string): void {
    this.open.add(key);
  }

  /** A page of parents is done: its keys are covered by its page cursor from now on. */
  pageDone(keys: readonly string[], next: string | null, pages: number): void {
    for (const key of keys) this.open.delete(key);
    this.after = next;
    this.pages = pages;
  }

  /** True when parents were done since the last checkpoint and the interval has passed. */
  due(nowMs: number): boolean {
    return this.open.size > 0 && nowMs - this.lastCheckpointMs >= CHILD_CHECKPOINT_MS;
  }

  checkpointed(nowMs: number): void {
    this.lastCheckpointMs = nowMs;
  }

  point(): ChildResumePoint {
    return { after: this.after, pages: this.pages, done: [...this.open] };
  }
}
