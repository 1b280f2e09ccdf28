import { hash, TAG, unit } from './random.js';

/** Base data lives in a fixed past window ending here, so the same seed gives the same timestamps. */
export const WINDOW_END = Date.UTC(2026, 10, 1) / 1000; // 2026-11-01T00:00:00Z
export const WINDOW_SPAN = 2 * 365 * 86_400;
/** No base session lasts longer than this (updated_at - created_at). */
export const MAX_SESSION_DURATION = 3 * 86_400;

/**
 * Base sessions' created_at strictly increases with the index (one slot of `step` seconds each), so
 * newest-first order is descending index order and a created_at range is an index range.
 */
export class SessionTimes {
  private readonly step: number;

  constructor(
    private readonly seed: number,
    private readonly count: number,
  ) {
    this.step = Math.max(1, Math.floor(WINDOW_SPAN / Math.max(1, count)));
  }

  createdAt(index: number): number {
    const jitter = Math.floor(unit(hash(this.seed, TAG.sessionCreated, index)) * this.step);
    return WINDOW_END - (this.count - index) * this.step + jitter;
  }

  /** At least `minimum` seconds (so many messages get distinct-ish times), at most MAX_SESSION_DURATION. */
  duration(index: number, minimum: number): number {
    const random = 60 + Math.floor(unit(hash(this.seed, TAG.sessionDuration, index)) * 2 * 86_400);
    return Math.min(MAX_SESSION_DURATION, Math.max(minimum, random));
  }
}

/** created_at/updated_at of the index-th of `count` org objects (playbooks, secrets, notes), in the window. */
export function orgObjectTimes(
  seed: number,
  kind: number,
  index: number,
  count: number,
): { createdAt: number; updatedAt: number } {
  const step = Math.max(1, Math.floor(WINDOW_SPAN / Math.max(1, count)));
  const createdAt =
    WINDOW_END - (count - index) * step + Math.floor(unit(hash(seed, TAG.orgTime, kind, index)) * step);
  const later = unit(hash(seed, TAG.orgTime, kind + 10, index));
  return { createdAt, updatedAt: createdAt + Math.floor(later * (WINDOW_END - createdAt)) };
}

/**
 * The clock of changes: starts strictly after every base timestamp and ticks once per change, so
 * incremental reads see exactly the changed records.
 */
export class LogicalClock {
  private value = WINDOW_END + MAX_SESSION_DURATION;
  /** While held, changes land in the current second (a real API makes many changes a second). */
  held = false;

  tick(): number {
    if (!this.held) this.value += 1;
    return this.value;
  }

  now(): number {
    return this.value;
  }
}
