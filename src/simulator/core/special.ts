/**
 * Base session indexes that always hold the hard cases (when the org has that many sessions), so
 * every org of 10+ sessions exercises them. Index 0 is the oldest session.
 */
export const SPECIAL = {
  /** No messages at all; status `new`; analysis null. */
  noMessages: 0,
  /** 500+ messages (several pages even at first=200). */
  manyMessages: 1,
  /** Message #1 is a pasted log of 100 KB or more. */
  hugeMessage: 2,
  /** title null; deeply nested structured_output; insights with every analysis member. */
  nullTitle: 3,
  /** Unicode/emoji title and messages, a `|` user id, PRs in every state, the extra `beta_flag` field. */
  unicode: 4,
} as const;

export const MANY_MESSAGES = 520;
export const HUGE_MESSAGE_BYTES = 120_000;
/** Specials 2..4 have at least this many messages so their cases are visible. */
export const MIN_SPECIAL_MESSAGES = 3;
