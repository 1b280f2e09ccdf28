/**
 * Pure, and serialized into the page (Function.prototype.toString): use only arguments, globals and
 * the functions of this file. Undoes src/report/pack.ts on the parsed JSON, in place.
 */
import type { Payload } from '../payload.js';

export function unpackPayload(packed: Payload): Payload {
  const { actors, sessions } = packed;
  actors.label = actors.label.map((text, i) => {
    if (text !== '') return text;
    const id = actors.id[i] ?? '';
    return actors.kind[i] === 1 ? `${id} (service user)` : actors.kind[i] === 2 ? 'unattributed' : id;
  });
  for (let i = 1; i < sessions.day.length; i++)
    sessions.day[i] = (sessions.day[i - 1] ?? 0) - (sessions.day[i] ?? 0);
  sessions.url = sessions.url.map((url) => (typeof url === 'string' ? url : null));
  return packed;
}

export const UNPACK_FUNCTIONS = [unpackPayload];
