/**
 * Splits SQLite SQL into statements at the semicolons outside quotes ('...', "...", `...`, [...])
 * and comments (-- and /* *\/); statements holding only blanks and comments are dropped.
 * (better-sqlite3 prepares one statement at a time; DuckDB splits its own.)
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let substantive = false;
  let i = 0;
  const closing: Readonly<Record<string, string>> = { "'": "'", '"': '"', '`': '`', '[': ']' };
  while (i < sql.length) {
    const char = sql[i] as string;
    const close = closing[char];
    if (close !== undefined) {
      const end = sql.indexOf(close, i + 1);
      i = end === -1 ? sql.length : end + 1;
      substantive = true;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (char === ';') {
      if (substantive) statements.push(sql.slice(start, i).trim());
      start = i + 1;
      substantive = false;
      i += 1;
    } else {
      if (!/\s/.test(char)) substantive = true;
      i += 1;
    }
  }
  if (substantive) statements.push(sql.slice(start).trim());
  return statements;
}
