import type { Readable } from 'node:stream';
import { createBrotliDecompress, createUnzip } from 'node:zlib';

/** Stops reading a body; its abort error has a listener, so it never surfaces as unhandled. */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** The body grew past its cap (after decompression). */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`response body larger than ${limitBytes} bytes`);
  }
}

export interface BodyLimits {
  /** Most bytes kept (after decompression). */
  capBytes: number;
  /** true: stop quietly at the cap and keep what was read (error bodies); false: fail. */
  truncate: boolean;
}

function decoderFor(contentEncoding: string | undefined): NodeJS.ReadWriteStream | null {
  switch ((contentEncoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
      return createUnzip();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/**
 * A response body as text, decompressed while it streams (gzip, deflate, br), never more than the
 * cap buffered: a gzip bomb or an endless body stops at the cap, whatever it claims. The BOM is
 * dropped. Rejects with BodyTooLargeError past the cap, or with the stream's own error.
 */
export async function readBodyText(
  body: Readable,
  headers: { 'content-encoding'?: string | undefined; 'content-length'?: string | undefined },
  limits: BodyLimits,
): Promise<string> {
  const decoder = decoderFor(headers['content-encoding']);
  const declared = decoder === null ? Number(headers['content-length'] ?? Number.NaN) : Number.NaN;
  if (!limits.truncate && declared > limits.capBytes) {
    discardBody(body);
    throw new BodyTooLargeError(limits.capBytes);
  }
  let source: Readable = body;
  if (decoder !== null) {
    body.on('error', (error) => (decoder as unknown as Readable).destroy(error));
    source = body.pipe(decoder) as unknown as Readable;
  }
  const bytes = await collect(source, limits, declared, () => discardBody(body));
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** From this declared size on, a body is copied into one buffer of that size (no second copy). */
const PREALLOCATE_FROM = 1_048_576;

function collect(
  source: Readable,
  limits: BodyLimits,
  declared: number,
  stopBody: () => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let whole = declared >= PREALLOCATE_FROM ? Buffer.allocUnsafe(declared) : null;
    let total = 0;
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else if (whole !== null) resolve(whole.subarray(0, total));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    };
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      const room = limits.capBytes - total;
      if (chunk.length > room) {
        if (whole !== null) chunks.push(whole.subarray(0, total));
        whole = null;
        if (limits.truncate) chunks.push(chunk.subarray(0, room));
        total += Math.min(chunk.length, room);
        stopBody();
        source.destroy();
        finish(limits.truncate ? null : new BodyTooLargeError(limits.capBytes));
        return;
      }
      if (whole !== null && total + chunk.length <= whole.length) chunk.copy(whole, total);
      else {
        if (whole !== null) chunks.push(whole.subarray(0, total));
        whole = null;
        chunks.push(chunk);
      }
      total += chunk.length;
    });
    source.on('end', () => finish(null));
    source.on('error', (error) => finish(error));
    // Every body closes after its end: the error (and its stack) is made only for one cut short.
    source.on('close', () => {
      if (!settled)
        finish(Object.assign(new Error('response body closed early'), { code: 'ERR_BODY_CLOSED' }));
    });
  });
}
