import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived its last full collection, in percent
 * (200: to three times). Left to itself V8 picks up to four times for a process that allocates
 * fast; a read allocates hundreds of MB a second (pages, records, lines) yet keeps little alive, so
 * its resident set was mostly uncollected garbage: 160-170 MB at 20,000 sessions against about 140 MB
 * at three times, for about the same CPU (docs/benchmarks.md).
 */
export const READ_HEAP_GROWING_PERCENT = 200;

/**
 * The same for `sync`, whose process also holds the writer thread's heap and the database: the
 * reader's garbage is the largest part of its resident set, so it is collected sooner (about 1 CPU-s
 * more at 20,000 sessions for 40-60 MB less).
 */
export const SYNC_HEAP_GROWING_PERCENT = 50;

/**
 * Bounds the old generation's growth for the rest of the process. The flag is read at each full
 * collection, so setting it at run time takes effect (the semi-space sizes, read once at start-up,
 * would not). Call before a long read.
 */
export function boundHeapGrowth(percent: number = READ_HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
