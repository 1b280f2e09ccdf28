import type { DoctorRow } from './doctor.js';
import type { StreamStatusRow } from './status.js';
import { textTable } from './text-table.js';

const count = (n: number | null) => (n === null ? '-' : n.toLocaleString('en-US'));
const day = (iso: string | null) => (iso === null ? '-' : iso.replace('T', ' ').replace(/:\d\dZ$/, ''));

/** `devin-tap status` for people; fits 80 columns. */
export function statusTable(rows: readonly StreamStatusRow[]): string {
  const lines = rows.map((row) => [
    row.stream,
    count(row.rows),
    day(row.lastSync),
    day(row.bookmark),
    row.checkpointPending ? 'resume' : row.refreshPending ? 'refresh' : '-',
    count(row.rejected),
  ]);
  const header = ['stream', 'rows', 'last sync (UTC)', 'bookmark (UTC)', 'pending', 'rejected'];
  return textTable(header, lines, { right: new Set([1, 5]) });
}

export function doctorTable(rows: readonly DoctorRow[]): string {
  const problems = rows.filter((row) => !row.ok).length;
  const table = textTable(
    ['check', 'result', 'detail'],
    rows.map((row) => [row.check, row.ok ? 'ok' : 'PROBLEM', row.detail]),
    { maxCell: 200 },
  );
  return `${table}\n\n${problems === 0 ? 'no problems found' : `${problems} problem${problems === 1 ? '' : 's'} found`}`;
}
