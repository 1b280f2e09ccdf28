/**
 * Per-parent progress of a windowed child read for every parent (a member's consumption): each
 * parent is read from where its own reads stopped, so a parent that appears later (a member who
 * joined after the first sync) has its whole history read instead of the others' trailing days.
 * The map is bounded: beyond MAX_PARTITIONS the parents read longest ago are forgotten, which only
 * costs a full re-read of them if they are listed again.
 */

/** Most parents a state remembers. */
export const MAX_PARTITIONS = 20_000;

export interface PartitionPlan {
  /**
   * Parent key -> the stream's bookmark (latest day seen) when that parent's children were read:
   * the parent is read again from the trailing days before it, as a shared bookmark would be.
   */
  readThrough: Readonly<Record<string, number>>;
  /** Where the window of a parent not in `readThrough` starts: the history's start. */
  firstFrom: number;
  /** How far before its last read a parent is read again (recent days may still change). */
  trailingSeconds: number;
}

export interface TimeWindow {
  from: number;
  to: number;
}

/**
 * The window of one parent's children, ending where the whole read ends: the trailing days before
 * its bookmark for a parent read before, the whole history for one never read.
 */
export function parentWindow(window: TimeWindow, partition: PartitionPlan, key: string): TimeWindow {
  const through = partition.readThrough[key];
  const from = through === undefined ? partition.firstFrom : through - partition.trailingSeconds;
  return { from: Math.min(from, window.to), to: window.to };
}

/** The parents read so far, most recently read last; bounded by MAX_PARTITIONS. */
export class PartitionProgress {
  private readonly entries: Map<string, number>;

  constructor(readThrough: Readonly<Record<string, number>>) {
    this.entries = new Map(Object.entries(readThrough).sort((a, b) => a[1] - b[1]));
    this.trim();
  }

  /** Parents read this run (their mark is raised to the read's final bookmark when it ends). */
  private readonly readNow = new Set<string>();

  markRead(keys: Iterable<string>, through: number): void {
    for (const key of keys) {
      this.entries.delete(key);
      this.entries.set(key, through);
      this.readNow.add(key);
    }
    this.trim();
  }

  /**
   * The read ended: every parent read this run was read through its final bookmark (a parent done
   * early was marked with the bookmark so far, which would re-read more days than the others).
   */
  settle(through: number | null): void {
    if (through === null) return;
    for (const key of this.readNow) {
      const mark = this.entries.get(key);
      if (mark !== undefined && mark < through) this.entries.set(key, through);
    }
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.entries);
  }

  private trim(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_PARTITIONS) return;
      this.entries.delete(key);
      this.readNow.delete(key);
    }
  }
}
