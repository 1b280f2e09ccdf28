import type { JsonSchema } from './events.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';

/**
 * The catalog's mark of a time field: `"x-timestamp": "epoch-seconds"` on an integer property. The
 * tap emits such a field as epoch seconds; outputs for other systems show it as an ISO 8601 instant
 * and targets store it as a time column.
 */
export const TIMESTAMP_KEYWORD = 'x-timestamp';
export const EPOCH_SECONDS = 'epoch-seconds';

export function isTimestampProperty(property: JsonValue | undefined): boolean {
  return isJsonObject(property) && property[TIMESTAMP_KEYWORD] === EPOCH_SECONDS;
}

/** The top-level properties a schema marks as timestamps, in schema order. */
export function timestampFields(schema: JsonSchema): string[] {
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  return Object.keys(properties).filter((name) => isTimestampProperty(properties[name]));
}

/** Largest epoch second written as a four-digit year (9999-12-31T23:59:59Z). */
const LAST_ISO_SECOND = 253_402_300_799;
/** 0001-01-01T00:00:00Z. */
const FIRST_ISO_SECOND = -62_135_596_800;

/**
 * Epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`; any other value (null, a fraction, a string, a second
 * outside years 1 to 9999) is returned unchanged: nothing invented, nothing dropped.
 */
export function isoFromEpochSeconds(value: JsonValue | undefined): JsonValue | undefined {
  if (!Number.isSafeInteger(value)) return value;
  const seconds = value as number;
  if (seconds < FIRST_ISO_SECOND || seconds > LAST_ISO_SECOND) return value;
  return isoText(seconds);
}

const SECONDS_PER_DAY = 86_400;
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * What `new Date(seconds * 1000).toISOString()` gives without its `.000`, computed (every record
 * of a read converts its time fields: no Date, no second string to trim). Days to the proleptic
 * Gregorian date as in Howard Hinnant's `civil_from_days`; years 1 to 9999 only.
 */
function isoText(seconds: number): string {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const rest = seconds - days * SECONDS_PER_DAY;
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3600);
  const minute = Math.floor((rest % 3600) / 60);
  const yearText = year < 1000 ? `${year}`.padStart(4, '0') : `${year}`;
  return `${yearText}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(rest % 60)}Z`;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.0+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 instant of whole seconds (any offset) as epoch seconds; epoch seconds and anything
 * else (a fraction of a second, an impossible date, null) unchanged.
 */
export function epochSecondsFromIso(value: JsonValue | undefined): JsonValue | undefined {
  if (typeof value !== 'string') return value;
  const match = ISO_INSTANT.exec(value);
  if (match === null) return value;
  const ms = Date.parse(value.replace(' ', 'T'));
  if (Number.isNaN(ms)) return value;
  // Date.parse rolls 2026-02-30 over to March: the date and time must read back the same in UTC.
  const [, year, month, day, hour, minute, second, , offset] = match;
  const offsetMinutes = offsetOf(offset ?? 'Z');
  const local = new Date(ms + offsetMinutes * 60_000).toISOString();
  return local.startsWith(`${year}-${month}-${day}T${hour}:${minute}:${second}`) ? ms / 1000 : value;
}

function offsetOf(offset: string): number {
  if (offset === 'Z' || offset === 'z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/** A record with `fields` mapped by `convert`; the record itself when none changes. */
export function mapFields(
  record: JsonObject,
  fields: readonly string[],
  convert: (value: JsonValue | undefined) => JsonValue | undefined,
): JsonObject {
  let result: JsonObject | null = null;
  for (const field of fields) {
    const value = record[field];
    const converted = convert(value);
    if (converted === value || converted === undefined) continue;
    result ??= { ...record };
    result[field] = converted;
  }
  return result ?? record;
}
