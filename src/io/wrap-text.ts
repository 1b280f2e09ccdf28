/** `text` in lines of at most `width` characters, broken at spaces (a longer word is cut). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    line = rest;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** The widest line written to a terminal: one less than its 80 columns, so none wraps by itself. */
export const TERMINAL_WIDTH = 79;

/**
 * A message for stderr: on a terminal, wrapped by us (continuation lines indented two spaces) so that
 * none is wider than TERMINAL_WIDTH; elsewhere (a log file, a pipe) one line, as written.
 */
export function forTerminal(text: string, isTTY: boolean | undefined): string {
  return isTTY === true ? wrapText(text, TERMINAL_WIDTH - 2).join('\n  ') : text;
}
