export interface TableOptions {
  /** Columns right-aligned (numbers). */
  right?: ReadonlySet<number>;
  /** Longest cell, in characters; longer ones end with "…". */
  maxCell?: number;
  /** Widest line wanted: columns move one space apart when two would exceed it (a terminal's 80). */
  fit?: number;
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
