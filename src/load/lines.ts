import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Lines of a stream (without their `\n` / `\r\n`), read chunk by chunk. Only each new chunk is
 * searched for a newline, and the pieces of a long line are joined once, when it ends: a line of
 * N bytes costs O(N) time and about 3N bytes (pieces, joined bytes, string), never N²/chunk.
 * A UTF-8 sequence never contains the byte 0x0a, so splitting on it never cuts a character.
 */
export async function* readLines(input: Readable): AsyncGenerator<string> {
  let pieces: Buffer[] = [];
  for await (const chunk of input) {
    const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    let start = 0;
    let end = bytes.indexOf(NEWLINE, start);
    while (end !== -1) {
      const piece = bytes.subarray(start, end);
      const line = pieces.length === 0 ? piece : Buffer.concat([...pieces, piece]);
      pieces = [];
      yield decodeLine(line);
      start = end + 1;
      end = bytes.indexOf(NEWLINE, start);
    }
    // A copy of the tail: a subarray would keep the whole chunk alive while the line grows.
    if (start < bytes.length) pieces.push(start === 0 ? bytes : Buffer.from(bytes.subarray(start)));
  }
  if (pieces.length > 0) {
    const last = Buffer.concat(pieces);
    if (last.length > 0) yield decodeLine(last);
  }
}

function decodeLine(line: Buffer): string {
  const length = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.length - 1 : line.length;
  return line.toString('utf8', 0, length);
}
