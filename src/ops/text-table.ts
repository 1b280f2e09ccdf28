import { wrapText } from '../io/wrap-text.js';

export interface TableOptions {
  /** Columns right-aligned (numbers). */
  right?: ReadonlySet<number>;
  /** Longest cell, in characters; longer ones end with "…". */
  maxCell?: number;
  /** Widest line wanted: columns move one space apart when two would exceed it (a terminal's 80). */
  fit?: number;
  /** Widest line wanted: the last column's cells wrap onto lines of their own to stay within it. */
  wrapLastTo?: number;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A plain text table: a header, a rule, one line per row, columns two spaces apart. */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const max = options.maxCell ?? 60;
  const cells = rows.map((row) => header.map((_, column) => clip(row[column] ?? '', max)));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => (row[column] ?? '').length)),
  );
  const wrapTo = options.wrapLastTo;
  if (wrapTo !== undefined && widths.length > 1) {
    const before = widths.slice(0, -1).reduce((sum, width) => sum + width + 2, 0);
    const room = Math.max(20, wrapTo - before);
    if ((widths.at(-1) ?? 0) > room) return wrappedTable(header, cells, widths, room, options);
  }
  const total = widths.reduce((sum, width) => sum + width, 0);
  const gap = options.fit !== undefined && total + 2 * (widths.length - 1) > options.fit ? ' ' : '  ';
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        options.right?.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join(gap)
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/** The table with its last column wrapped to `room` characters, continuation lines indented. */
function wrappedTable(
  header: readonly string[],
  cells: readonly (readonly string[])[],
  widths: readonly number[],
  room: number,
  options: TableOptions,
): string {
  const fixed = widths.slice(0, -1);
  const lead = (row: readonly string[]) =>
    fixed.map((width, column) => {
      const cell = row[column] ?? '';
      return options.right?.has(column) ? cell.padStart(width) : cell.padEnd(width);
    });
  const indent = ' '.repeat(fixed.reduce((sum, width) => sum + width + 2, 0));
  const rowLines = (row: readonly string[]): string[] => {
    const [first, ...rest] = wrapText(row.at(-1) ?? '', room);
    return [[...lead(row), first ?? ''].join('  ').trimEnd(), ...rest.map((line) => `${indent}${line}`)];
  };
  const rule = [...fixed, Math.min(room, widths.at(-1) ?? 0)].map((width) => '-'.repeat(width));
  return [...rowLines(header), rule.join('  '), ...cells.flatMap(rowLines)].join('\n');
}
