import { createInterface } from 'node:readline/promises';
import { InputError } from '../tap/errors.js';
import type { ResetPlan, ResetResult } from './reset.js';

function planText(plan: ResetPlan): string {
  const rows = plan.dropRows ? ' and delete their rows' : '';
  return `reset the state of ${plan.streams.join(', ')} in ${plan.database}${rows}`;
}

/** On a terminal, asks before resetting; elsewhere `--yes` is required, so a script never resets by accident. */
export async function confirmReset(plan: ResetPlan, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new InputError(`reset: stdin is not a terminal; add --yes to ${planText(plan)}`);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${planText(plan)}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

export function resetSummary(plan: ResetPlan, result: ResetResult): string {
  const lines = result.streams.map((stream) => {
    const deleted = result.rowsDeleted[stream];
    return plan.dropRows
      ? `${stream}: state cleared, ${deleted ?? 0} rows deleted`
      : `${stream}: state cleared`;
  });
  return [...lines, `the next sync reads ${result.streams.join(', ')} from the start`].join('\n');
}
