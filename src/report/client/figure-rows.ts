/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. The rows of the figures' tables and series.
 */
import type { Payload } from '../payload.js';
import type { Counted, Figures, PlaybookRow, Series } from './figures.js';
import type { Period } from './period.js';
import type { BillingScan } from './scan-billing.js';
import type { SessionScan } from './scan-sessions.js';

/** Labels in outcomeOf's order (scan-sessions). */
export function outcomeRows(scan: SessionScan): Figures['outcomes'] {
  const labels = ['merged PR', 'failed or stopped', 'PR not merged', 'no PR'];
  return scan.byOutcome.map((tally, i) => ({
    label: labels[i] ?? '',
    sessions: tally.sessions,
    acus: tally.acus / 100,
    share: scan.total.acus > 0 ? tally.acus / scan.total.acus : null,
  }));
}

export function spendSeries(period: Period, scan: SessionScan, billing: BillingScan): Series {
  if (billing.source === 'estimated') {
    return {
      labels: period.labels,
      series: [{ name: 'sessions (estimated)', values: scan.acusByBucket.map((v) => v / 100) }],
    };
  }
  const names = ['devin', 'cascade', 'terminal', 'review', 'other'];
  return {
    labels: period.labels,
    series: names
      .map((name, p) => ({ name, values: (billing.byProduct[p] ?? []).map((v) => v / 100) }))
      .filter((s, p) => p < 4 || s.values.some((v) => v > 0)),
  };
}

export function counted(labels: readonly string[], counts: readonly number[]): Counted[] {
  return labels
    .map((label, i) => ({ label, count: counts[i] ?? 0 }))
    .filter((row) => row.count > 0)
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

export function sizeRows(labels: readonly string[], counts: readonly number[]): Counted[] {
  const order = ['xs', 's', 'm', 'l', 'xl'];
  const rank = (label: string): number => (order.includes(label) ? order.indexOf(label) : order.length);
  const all = [...new Set([...order, ...labels])];
  return all
    .map((label) => ({ label, count: counts[labels.indexOf(label)] ?? 0 }))
    .sort((a, b) => rank(a.label) - rank(b.label) || a.label.localeCompare(b.label));
}

export function playbookRows(payload: Payload, scan: SessionScan): PlaybookRow[] {
  return [...scan.byPlaybook.entries()]
    .map(([playbook, t]) => ({
      playbook,
      title: payload.playbooks.title[playbook] ?? '',
      sessions: t.sessions,
      acus: t.acus / 100,
      merged: t.merged,
      prs: t.prs,
      mergeRate: t.prs > 0 ? t.merged / t.prs : null,
    }))
    .sort(
      (a, b) =>
        b.acus - a.acus || b.sessions - a.sessions || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
    );
}

export const FIGURE_ROW_FUNCTIONS = [spendSeries, counted, sizeRows, playbookRows, outcomeRows];
