/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. Text for the page: escaping, numbers, money, shares.
 */

export function esc(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Text as it may be shown: the characters that reorder or hide text (bidi marks, embeddings,
 * overrides and isolates; zero-width space, word joiner, BOM) as their code point, so a name cannot
 * display reversed or hide a part; cut to `max` characters with '…'. Joiners (U+200C/D) stay: scripts
 * and emoji need them.
 */
export function plainText(text: string, max: number): string {
  const shown = String(text).replace(
    /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g,
    (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`,
  );
  const chars = Array.from(shown);
  return chars.length <= max ? shown : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * User text as HTML: escaped, isolated from the text around it (<bdi>), controls shown (plainText),
 * cut at `max` characters with the whole text on hover.
 */
export function userText(text: string, max = 80): string {
  const whole = plainText(text, Number.POSITIVE_INFINITY);
  const shown = plainText(text, max);
  const title = shown === whole ? '' : ` title="${esc(whole)}"`;
  return `<bdi${title}>${esc(shown)}</bdi>`;
}

/** Number formats are slow to create: each is made once and kept on this function. */
function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const cache = numberFormat as unknown as { formats?: Map<string, Intl.NumberFormat> };
  cache.formats ??= new Map();
  let format = cache.formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', options);
    cache.formats.set(key, format);
  }
  return format;
}

export function fmtNumber(value: number): string {
  return numberFormat('number', { maximumFractionDigits: 1 }).format(value);
}

/** US dollars: cents below $100, whole dollars above. */
export function fmtMoney(value: number): string {
  const digits = Math.abs(value) < 100 ? 2 : 0;
  return numberFormat(`usd${digits}`, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

export function fmtShare(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

/** A signed change: '+12%', '−5%', or '–' when there is nothing to compare with. */
export function fmtChange(value: number | null): string {
  if (value === null) return '–';
  const percent = Math.round(value * 100);
  return percent > 0 ? `+${percent}%` : percent < 0 ? `−${Math.abs(percent)}%` : '0%';
}

/** ACUs, and their cost when a price is known: '1,234.5 ACUs ($2,777)'. */
export function fmtAcus(acus: number, price: number | null): string {
  return price === null ? `${fmtNumber(acus)} ACUs` : `${fmtNumber(acus)} ACUs (${fmtMoney(acus * price)})`;
}

/** The headline form of an ACU amount: dollars with a price, ACUs without. */
export function fmtAmount(acus: number | null, price: number | null): string {
  if (acus === null) return '–';
  return price === null ? fmtNumber(acus) : fmtMoney(acus * price);
}

/** A cell that reads as a number (amounts, shares, counts, '–'): right-aligned; any other text is left-aligned. */
export function isNumeric(cell: string): boolean {
  return /^(?:[−+-]?\$?[\d,.]+(?:%| ACUs)?|[–-]|\d[\d,]* \/ \d[\d,]*)$/.test(cell.trim());
}

export function htmlTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  caption: string,
): string {
  // A column is text when its first row's cell is: its header aligns with it.
  const text = headers.map((_, i) => i > 0 && rows[0] !== undefined && !isNumeric(rows[0][i] ?? ''));
  const cls = (i: number) => (text[i] ? ' class="text"' : '');
  const head = headers.map((h, i) => `<th scope="col"${cls(i)}>${esc(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${userText(cell)}</th>` : `<td${cls(i)}>${userText(cell)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  const empty =
    rows.length === 0
      ? `<tr><td colspan="${headers.length}" class="empty">No rows in this period.</td></tr>`
      : '';
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}${empty}</tbody></table>`;
}

export const FORMAT_FUNCTIONS = [
  numberFormat,
  esc,
  plainText,
  userText,
  fmtNumber,
  fmtMoney,
  fmtShare,
  fmtChange,
  fmtAcus,
  fmtAmount,
  isNumeric,
  htmlTable,
];
