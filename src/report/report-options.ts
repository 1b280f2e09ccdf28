/** The report's command-line inputs, checked before the database is opened: dates, the ACU price. */

import { existsSync } from 'node:fs';
import { readBoundedText } from '../io/read-json-file.js';
import { InputError } from '../tap/errors.js';

/** `--period` values and the page's period choice each opens on. */
export const PERIODS = {
  'last-30-days': '30',
  'last-90-days': '90',
  'month-to-date': 'mtd',
  all: 'all',
} as const;

export type PeriodFlag = keyof typeof PERIODS;

/** A --period value, or a clear InputError naming the choices. */
export function checkedPeriod(text: string): (typeof PERIODS)[PeriodFlag] {
  const period = (PERIODS as Record<string, (typeof PERIODS)[PeriodFlag]>)[text];
  if (period === undefined)
    throw new InputError(`--period must be one of ${Object.keys(PERIODS).join(', ')}, got "${text}"`);
  return period;
}

/** A --budget-usd value: a positive number of US dollars a month, or a clear InputError. */
export function checkedBudget(text: string): number {
  const budget = Number(text);
  if (text.trim() === '' || !Number.isFinite(budget) || budget <= 0)
    throw new InputError(`--budget-usd must be a positive number of US dollars a month, got "${text}"`);
  return budget;
}

/** Parses YYYY-MM-DD (a real calendar date) to epoch seconds at 00:00 UTC; null if invalid. */
export function parseDay(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return null;
  return ms / 1000;
}

/** A --since/--until value as whole days since 1970-01-01 (UTC), or a clear InputError. */
export function checkedDay(flag: '--since' | '--until', text: string): number {
  const seconds = parseDay(text);
  if (seconds === null) throw new InputError(`${flag} must be a date as YYYY-MM-DD, got "${text}"`);
  return seconds / 86_400;
}

function checkedPrice(source: string, value: unknown): number {
  const price = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) {
    const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
    throw new InputError(`${source} must be a positive number of US dollars per ACU, got ${shown}`);
  }
  return price;
}

/** A positive number field from the config files (a later file wins); null when none sets it. */
function numberFromConfig(
  paths: readonly string[],
  field: string,
  checked: (source: string, value: unknown) => number,
): number | null {
  let found: number | null = null;
  for (const path of paths) {
    let parsed: unknown;
    if (!existsSync(path)) throw new InputError(`Config file "${path}" does not exist`);
    const text = readBoundedText(path, 'config');
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InputError(`Config file "${path}" is not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InputError(`Config file "${path}" must hold a JSON object`);
    }
    const value = (parsed as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) found = checked(`"${field}" in ${path}`, value);
  }
  return found;
}

function checkedBudgetValue(source: string, value: unknown): number {
  const budget = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0) {
    const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
    throw new InputError(`${source} must be a positive number of US dollars a month, got ${shown}`);
  }
  return budget;
}

/** --budget-usd wins over budget_usd_monthly in a config file (a report setting); null when neither. */
export function resolveBudget(flag: string | undefined, configPaths: readonly string[]): number | null {
  if (flag !== undefined) return checkedBudget(flag);
  return numberFromConfig(configPaths, 'budget_usd_monthly', checkedBudgetValue);
}

/** --acu-price wins over acu_price_usd in a config file; null when neither is given. */
export function resolvePrice(flag: string | undefined, configPaths: readonly string[]): number | null {
  if (flag !== undefined) return checkedPrice('--acu-price', flag);
  return numberFromConfig(configPaths, 'acu_price_usd', checkedPrice);
}
