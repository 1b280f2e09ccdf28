import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { locateJsonProblem } from '../src/load/json-error.js';
import { readLines } from '../src/load/lines.js';
import { parseSingerLine } from '../src/load/singer-message.js';
import { InputError } from '../src/tap/errors.js';

async function collect(chunks: readonly (Buffer | string)[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(Readable.from(chunks))) lines.push(line);
  return lines;
}

/** Splits bytes into chunks of `size` bytes (cutting multi-byte characters on purpose). */
function chunked(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

describe('readLines', () => {
  it('reassembles lines cut anywhere, multi-byte characters and CRLF included', async () => {
    const text = 'a\r\nhéllo wörld 🎉\n\n{"k":"ü"}\r\nlast';
    for (const size of [1, 2, 3, 5, 64]) {
      expect(await collect(chunked(text, size))).toEqual(['a', 'héllo wörld 🎉', '', '{"k":"ü"}', 'last']);
    }
  });

  it('gives a line of several megabytes arriving in small chunks whole', async () => {
    const long = `{"type":"RECORD","stream":"s","record":{"text":"${'x'.repeat(5_000_000)}🎉"}}`;
    const lines = await collect(chunked(`${long}\nnext\n`, 1024));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(long);
    expect(lines[1]).toBe('next');
  });

  it('handles string chunks and input without a final newline or with none at all', async () => {
    expect(await collect(['ab', 'c\nd', 'e'])).toEqual(['abc', 'de']);
    expect(await collect([])).toEqual([]);
    expect(await collect(['\n'])).toEqual(['']);
  });
});

describe('parse errors of stdin lines', () => {
  it('name the line and the character, never the content', () => {
    const secret = 'cog_secretsecretsecret';
    const cases: [string, number, string][] = [
      [
        `{"type":"RECORD","record":{"title":"${secret}"} oops`,
        62,
        "expected ',' or '}' after property value",
      ],
      [`{"title":"${secret}",x}`, 35, 'expected double-quoted property name'],
      [`{"title":${secret}}`, 10, 'unexpected character'],
      [`{"title":"${secret}"`, 34, "expected ',' or '}' after property value"],
      [`{"title":"${secret}`, 33, 'unterminated string'],
      [`[tru`, 5, 'the line ends inside a JSON value'],
    ];
    for (const [line, character, problem] of cases) {
      let error: unknown;
      try {
        parseSingerLine(line, 7);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InputError);
      const message = (error as Error).message;
      expect(message).toMatch(new RegExp(`^line 7: not valid JSON at character ${character} \\(${problem}`));
      expect(message).not.toContain('secret');
      expect(message).not.toContain('title');
    }
  });

  it('finds the character of an unexpected token by bisection, also far into a long line', () => {
    const line = `{"a":"${'y'.repeat(100_000)}","b":nope}`;
    expect(locateJsonProblem(line)).toEqual({
      character: line.indexOf('nope') + 2,
      problem: 'unexpected character',
    });
  });
});
