/** 2000-01-01T00:00:00Z: no Devin record is older; a smaller value is not epoch seconds. */
export const EARLIEST_CURSOR = 946_684_800;
/** A cursor may run ahead of our clock by clock skew, never by more than a day. */
export const FUTURE_SLACK_SECONDS = 86_400;

/**
 * An integer epoch second after 2000-01-01 and at most a day past `nowSeconds`. Anything else
 * (milliseconds, fractions, far future) is still emitted but never becomes a bookmark.
 */
export function isPlausibleCursor(value: number, nowSeconds: number): boolean {
  return Number.isInteger(value) && value >= EARLIEST_CURSOR && value <= nowSeconds + FUTURE_SLACK_SECONDS;
}

/**
 * A bookmark in the future (a state written with a wrong clock, or Airbyte's "abnormally large
 * state" test): a whole epoch second past `nowSeconds` plus the slack. Such a state is read (the
 * read finds nothing newer) with a warning, not refused.
 */
export function isFutureCursor(value: number, nowSeconds: number): boolean {
  return Number.isSafeInteger(value) && value > nowSeconds + FUTURE_SLACK_SECONDS;
}
