import type { DoctorRow } from './doctor.js';
import { runsTable } from './run-status.js';
import type { DatabaseStatus } from './status.js';
import { textTable } from './text-table.js';

const count = (n: number | null) => (n === null ? '-' : n.toLocaleString('en-US'));
/** Minutes, UTC (the header says so): 'YYYY-MM-DD HH:MM'. */
const day = (iso: string | null) =>
  iso === null ? '-' : iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, '');

/** `devin-tap status` for people: the streams, then the last runs; fits 80 columns. */
export function statusTable(status: DatabaseStatus): string {
  const lines = status.streams.map((row) => [
    row.stream,
    count(row.rows),
    day(row.lastSync),
    day(row.bookmark),
    row.checkpointPending ? 'resume' : row.refreshPending ? 'refresh' : '-',
    count(row.rejected),
  ]);
  const header = ['stream', 'rows', 'last sync UTC', 'bookmark UTC', 'pending', 'rejected'];
  const streams = textTable(header, lines, { right: new Set([1, 5]), fit: 80 });
  return `${streams}\n\nlast runs\n${runsTable(status.runs)}`;
}

/** `devin-tap doctor` for people: one root cause (checks it made impossible say `skipped`); fits 80 columns. */
export function doctorTable(rows: readonly DoctorRow[]): string {
  const problems = rows.filter((row) => !row.ok && !row.skipped).length;
  const table = textTable(
    ['check', 'result', 'detail'],
    rows.map((row) => [row.check, row.ok ? 'ok' : row.skipped ? 'skipped' : 'PROBLEM', row.detail]),
    { maxCell: 400, wrapLastTo: 80 },
  );
  return `${table}\n\n${problems === 0 ? 'no problems found' : `${problems} problem${problems === 1 ? '' : 's'} found`}`;
}
