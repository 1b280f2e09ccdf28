import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Lines of a stream (without their `\n` / `\r\n`), read chunk by chunk: memory holds one chunk and
 * one line, and the input is not read faster than lines are consumed.
 */
export async function* readLines(input: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let start = 0;
    let end = pending.indexOf('\n', start);
    while (end !== -1) {
      yield stripCr(pending.slice(start, end));
      start = end + 1;
      end = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending.length > 0) yield stripCr(pending);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
