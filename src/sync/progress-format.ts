import type { StreamProgress } from './progress-tracker.js';

const count = (n: number) => n.toLocaleString('en-US');

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One human line per stream: records, requests/s, and a percentage with an ETA where a total is known. */
export function progressLine(progress: StreamProgress, now: number): string {
  const elapsed = Math.max(0.001, ((progress.endedAt ?? now) - progress.startedAt) / 1000);
  const rate = progress.requests / elapsed;
  const parts = [progress.stream.padEnd(18), `${count(progress.records).padStart(9)} records`];
  if (progress.total !== null && progress.total > 0 && progress.status === 'running') {
    const fraction = Math.min(1, progress.records / progress.total);
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    parts.push(
      `${(fraction * 100).toFixed(0).padStart(3)}%`,
      Number.isFinite(eta) ? `ETA ${duration(eta)}` : 'ETA -',
    );
  }
  parts.push(`${rate.toFixed(1)} req/s`);
  if (progress.retries > 0) parts.push(`${count(progress.retries)} retries`);
  if (progress.status !== 'running') parts.push(progress.status === 'complete' ? 'done' : 'FAILED');
  return parts.join('  ');
}

export interface SummaryRow {
  stream: string;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Records kept in `_devin_tap_rejected` instead of the stream's table (no valid primary key). */
  rejected?: number;
  requests: number;
  retries: number;
  seconds: number;
  status: string;
}

/**
 * The end-of-run table: stream, rows inserted (new), rows updated, records unchanged since the last
 * run (read but not written again), records rejected, requests, retries, seconds.
 */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = [
    'stream',
    'inserted',
    'updated',
    'unchanged',
    'rejected',
    'requests',
    'retries',
    'seconds',
    'status',
  ];
  const cells = rows.map((row) => [
    row.stream,
    count(row.inserted),
    count(row.updated),
    count(row.unchanged),
    count(row.rejected ?? 0),
    count(row.requests),
    count(row.retries),
    row.seconds.toFixed(1),
    row.status,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  const format = (line: readonly string[]) =>
    line
      .map((cell, column) =>
        column === 0 || column === header.length - 1
          ? cell.padEnd(widths[column] ?? 0)
          : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...cells.map(format)].join('\n');
}
