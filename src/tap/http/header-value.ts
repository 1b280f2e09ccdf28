/** Invisible format characters no API key holds (zero-width spaces and joiners, marks, BOM). */
const INVISIBLE = new Set([0x00ad, 0x2028, 0x2029, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff]);

/**
 * True for a character an HTTP header value cannot carry (controls; anything beyond
 * Latin-1) or that no API key holds (zero-width and other invisible characters): the usual
 * copy-paste artefacts.
 */
function unsendable(code: number): boolean {
  if (code < 0x20) return true;
  if (code >= 0x7f && code <= 0x9f) return true;
  if (code >= 0x200b && code <= 0x200f) return true;
  if (code >= 0x202a && code <= 0x202e) return true;
  return INVISIBLE.has(code) || code > 0xff;
}

/** The 1-based position of the first character that cannot travel in a header, or null. */
export function unsendablePosition(value: string): number | null {
  for (let index = 0; index < value.length; index++) {
    if (unsendable(value.charCodeAt(index))) return index + 1;
  }
  return null;
}
