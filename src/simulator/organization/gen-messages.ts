import type { JsonObject } from '../../tap/json.js';
import { hash, hex8, Rng, TAG, unit } from '../core/random.js';
import { HUGE_MESSAGE_BYTES, MANY_MESSAGES, MIN_SPECIAL_MESSAGES, SPECIAL } from '../core/special.js';
import { chatMessage, hugeMessage } from '../core/text.js';
import { isUnicodeSession } from './gen-session.js';

/** Messages a session was generated with (before any change): about `average`, specials fixed. */
export function baseMessageCount(seed: number, index: number, baseCount: number, average: number): number {
  const roll = unit(hash(seed, TAG.messageCount, index));
  if (index >= baseCount) return Math.floor(roll * 4); // added sessions start small
  if (index === SPECIAL.noMessages) return 0;
  if (index === SPECIAL.manyMessages) return MANY_MESSAGES + Math.floor(roll * 30);
  const count = Math.floor(roll * (2 * average + 1));
  return index <= SPECIAL.unicode ? Math.max(MIN_SPECIAL_MESSAGES, count) : count;
}

/** Cheap (no text generated), so insights can count user and devin messages per page. */
export function messageSource(seed: number, index: number, ordinal: number): 'user' | 'devin' {
  if (ordinal === 0) return 'user';
  return unit(hash(seed, TAG.messageSource, index, ordinal)) < 0.35 ? 'user' : 'devin';
}

export function countUserMessages(seed: number, index: number, count: number): number {
  let users = 0;
  for (let ordinal = 0; ordinal < count; ordinal++)
    if (messageSource(seed, index, ordinal) === 'user') users++;
  return users;
}

/** The ordinal-th message of session `index`, as the API serves it (no session id). */
export function generateMessage(seed: number, index: number, ordinal: number, createdAt: number): JsonObject {
  const rng = new Rng(hash(seed, TAG.messageBody, index, ordinal));
  const huge = index === SPECIAL.hugeMessage && ordinal === 1;
  const message: JsonObject = {
    event_id: `event-${hex8(hash(seed, TAG.messageBody + 100, index, ordinal))}${hex8(ordinal)}`,
    source: messageSource(seed, index, ordinal),
    message: huge ? hugeMessage(rng, HUGE_MESSAGE_BYTES) : chatMessage(rng, isUnicodeSession(seed, index)),
    created_at: createdAt,
  };
  if ((index === SPECIAL.unicode && ordinal === 0) || rng.chance(0.03)) message.beta_flag = true;
  return message;
}
