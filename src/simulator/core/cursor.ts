/**
 * Opaque keyset cursors: base64 of a fixed 3-byte prefix (which encodes as `+/+/`) and the position of
 * the last item served, padded so the base64 always ends in `=`. Clients must URL-encode them: an
 * unencoded `+` arrives as a space and the cursor is rejected (422).
 */
const PREFIX = Buffer.from([0xfb, 0xff, 0xbf]);

export interface CursorPosition {
  /** Which list the cursor belongs to (a cursor from another list is rejected). */
  list: string;
  /** The session a messages cursor belongs to (-1 elsewhere). */
  scope: number;
  /** Index (or message ordinal) of the last item served. */
  position: number;
}

/** FNV-1a, two base-36 digits: enough to reject garbage and hand-edited cursors. */
function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return ((h >>> 0) % 1296).toString(36).padStart(2, '0');
}

export function encodeCursor(cursor: CursorPosition): string {
  let payload = `${cursor.list}|${cursor.scope}|${cursor.position}`;
  payload = `${payload}|${checksum(payload)}`;
  while ((PREFIX.length + payload.length) % 3 !== 1) payload += '~';
  return Buffer.concat([PREFIX, Buffer.from(payload, 'latin1')]).toString('base64');
}

export function decodeCursor(text: string): CursorPosition | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length <= PREFIX.length || !bytes.subarray(0, PREFIX.length).equals(PREFIX)) return null;
  const [list, scope, position, sum] = bytes
    .subarray(PREFIX.length)
    .toString('latin1')
    .replace(/~+$/, '')
    .split('|');
  if (list === undefined || scope === undefined || position === undefined || sum === undefined) return null;
  if (checksum(`${list}|${scope}|${position}`) !== sum) return null;
  const cursor = { list, scope: Number(scope), position: Number(position) };
  return Number.isSafeInteger(cursor.scope) && Number.isSafeInteger(cursor.position) ? cursor : null;
}
