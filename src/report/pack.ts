/**
 * The payload as embedded: labels that can be derived are left out, session days are stored as
 * differences (the sessions are newest first, so most are 0), then the JSON is gzipped and base64
 * encoded. The page undoes this with the engine's unpackPayload (after DecompressionStream).
 */
import { gzipSync } from 'node:zlib';
import type { Payload } from './payload.js';

export function packPayload(payload: Payload): Payload {
  const { actors, sessions } = payload;
  const label = actors.label.map((text, i) =>
    text === derivedLabel(actors.id[i] ?? '', actors.kind[i] ?? 0) ? '' : text,
  );
  const day = sessions.day.map((value, i) => (i === 0 ? value : (sessions.day[i - 1] ?? 0) - value));
  const url = sessions.url.map((value) => value ?? 0) as unknown as (string | null)[];
  return { ...payload, actors: { ...actors, label }, sessions: { ...sessions, day, url } };
}

function derivedLabel(id: string, kind: number): string {
  return kind === 1 ? `${id} (service user)` : kind === 2 ? 'unattributed' : id;
}

// Anything shaped like a Devin API key (a title or a member's name that echoes one) never reaches the page.
const KEY_LIKE = /cog_[A-Za-z0-9_\-.~+/=]+/g;

export function redactKeys(text: string): string {
  return text.replace(KEY_LIKE, '[REDACTED]');
}

/** Base64 of the gzipped JSON of the packed payload (keys redacted). */
export function encodePayload(payload: Payload): string {
  return gzipSync(redactKeys(JSON.stringify(packPayload(payload))), { level: 6 }).toString('base64');
}
