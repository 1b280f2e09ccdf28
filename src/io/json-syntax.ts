/**
 * Finds where a text stops being valid JSON, as a line and column. The parser's own message is never
 * shown: on Node 20 it quotes the text around the error, which may be the API token.
 */
export interface TextPosition {
  line: number;
  column: number;
}

class Scanner {
  index = 0;
  constructor(readonly text: string) {}

  fail(): never {
    throw this.index;
  }
  peek(): string {
    return this.text[this.index] ?? '';
  }
  skipSpace(): void {
    while (/[ \t\r\n]/.test(this.peek())) this.index += 1;
  }
  expect(char: string): void {
    if (this.peek() !== char) this.fail();
    this.index += 1;
  }
  literal(word: string): void {
    for (const char of word) this.expect(char);
  }
  match(pattern: RegExp): void {
    pattern.lastIndex = this.index;
    const found = pattern.exec(this.text);
    if (found === null || found[0].length === 0) this.fail();
    this.index += found[0].length;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*/y;

const LITERALS: Readonly<Record<string, string>> = { t: 'true', f: 'false', n: 'null' };

function value(s: Scanner): void {
  s.skipSpace();
  const char = s.peek();
  const literal = LITERALS[char];
  if (char === '{') {
    container(s, '}', () => {
      string(s);
      s.skipSpace();
      s.expect(':');
      value(s);
    });
  } else if (char === '[') container(s, ']', () => value(s));
  else if (char === '"') string(s);
  else if (literal !== undefined) s.literal(literal);
  else s.match(NUMBER);
}

function string(s: Scanner): void {
  s.skipSpace();
  s.expect('"');
  STRING_BODY.lastIndex = s.index;
  s.index += STRING_BODY.exec(s.text)?.[0].length ?? 0;
  s.expect('"');
}

function container(s: Scanner, close: string, member: () => void): void {
  s.index += 1;
  s.skipSpace();
  if (s.peek() === close) {
    s.index += 1;
    return;
  }
  for (;;) {
    member();
    s.skipSpace();
    if (s.peek() === close) {
      s.index += 1;
      return;
    }
    s.expect(',');
  }
}

function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Where `text` stops being valid JSON, or null when it is valid. */
export function jsonSyntaxError(text: string): TextPosition | null {
  const scanner = new Scanner(text);
  try {
    value(scanner);
    scanner.skipSpace();
    if (scanner.index < text.length) scanner.fail();
    return null;
  } catch (offset) {
    if (typeof offset !== 'number') throw offset;
    return positionOf(text, offset);
  }
}
