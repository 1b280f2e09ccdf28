import { STREAM_NAMES } from '../tap/streams/index.js';
import type { StreamProgress } from './progress-tracker.js';

/** As wide as the longest organization stream name: figures align; a longer enterprise name pushes its own line. */
const NAME_WIDTH = Math.max(...STREAM_NAMES.map((name) => name.length));

const count = (n: number) => n.toLocaleString('en-US');
/** Every line fits an 80-column terminal. */
export const LINE_WIDTH = 79;

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const STATUS_LABEL: Readonly<Record<StreamProgress['status'], string | null>> = {
  running: null,
  read: 'read, committing',
  complete: 'done',
  failed: 'FAILED',
  interrupted: 'interrupted',
};

/**
 * One human line per stream: records, a percentage and an ETA where the progress can be known
 * (`fraction`), requests/s once a stream has made more than one request.
 */
export function progressLine(progress: StreamProgress, now: number, fraction: number | null = null): string {
  const elapsed = Math.max(0.001, ((progress.endedAt ?? now) - progress.startedAt) / 1000);
  const parts = [progress.stream.padEnd(NAME_WIDTH), `${count(progress.records).padStart(9)} records`];
  if (fraction !== null && progress.status === 'running') {
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    parts.push(
      `${(fraction * 100).toFixed(0).padStart(3)}%`,
      Number.isFinite(eta) ? `ETA ${duration(eta)}` : 'ETA -',
    );
  }
  if (progress.requests > 1) parts.push(`${(progress.requests / elapsed).toFixed(1)} req/s`);
  if (progress.retries > 0) parts.push(`${count(progress.retries)} retries`);
  const label = STATUS_LABEL[progress.status];
  if (label !== null) parts.push(label);
  return parts.join('  ').slice(0, LINE_WIDTH);
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

export interface SummaryTotals {
  seconds: number;
  rows: number;
  requests: number;
}

export function summaryTotals(rows: readonly SummaryRow[], seconds: number): SummaryTotals {
  return {
    seconds,
    rows: rows.reduce((sum, row) => sum + row.inserted + row.updated, 0),
    requests: rows.reduce((sum, row) => sum + row.requests, 0),
  };
}

const REJECTED_COLUMN = 4;

/**
 * The end-of-run table: stream, rows inserted (new), rows updated (content changed), records unchanged
 * (read, content the same), records rejected (only when a stream had any), requests, retries,
 * seconds, status; then a total line. Numbers are right-aligned one space apart, so the table fits
 * 80 columns.
 */
export function summaryTable(rows: readonly SummaryRow[], totals?: SummaryTotals): string {
  const withRejected = rows.some((row) => (row.rejected ?? 0) > 0);
  const header = [
    'stream',
    'inserted',
    'updated',
    'unchanged',
    'rejected',
    'reqs',
    'retries',
    'secs',
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
  if (!withRejected) {
    header.splice(REJECTED_COLUMN, 1);
    for (const line of cells) line.splice(REJECTED_COLUMN, 1);
  }
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  const last = header.length - 1;
  const format = (line: readonly string[]) =>
    line
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        if (column === 0) return cell.padEnd(width);
        if (column === last) return ` ${cell.padEnd(width)}`;
        return ` ${cell.padStart(width)}`;
      })
      .join('')
      .trimEnd();
  const lines = [format(header), format(widths.map((w) => '-'.repeat(w))), ...cells.map(format)];
  if (totals !== undefined) {
    lines.push(
      '',
      `total: ${count(totals.rows)} rows written, ${count(totals.requests)} requests, ${totals.seconds.toFixed(1)} s`,
    );
  }
  return lines.join('\n');
}
