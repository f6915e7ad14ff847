// Versions as Elasticsearch stores them: `date_nanos` keeps our microseconds, `date` only milliseconds.
// Documents written by other applications may hold any ISO-8601 form or epoch milliseconds, as the
// default date format of both field types accepts.
import type { VersionPrecision } from "../../core/version.js";
import { formatMicros, millisFromMicros } from "../../core/micros.js";

// What strict_date_optional_time takes: a year, a month or a date, then an hour, minutes, seconds and
// a fraction after a point or a comma, each optional after the one before.
const ISO =
  /^(\d{4,})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
/** Four digits alone, which the index's date-time format reads as a year before epoch_millis sees them. */
const YEAR = /^\d{4}$/;

/**
 * Microseconds since the epoch, or undefined when the value is not a timestamp. Four digits alone are
 * a year, unless the field's format reads them as milliseconds (`digitsAsMillis`).
 */
export function parseEsTimestamp(value: unknown, digitsAsMillis = false): bigint | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    if (!digitsAsMillis && YEAR.test(String(value))) return parseIso(String(value));
    if (Number.isInteger(value)) return BigInt(value) * 1000n;
    // Read from its shortest text: 1740787199999.999 * 1000 is 1740787199999998.8 in floating point.
    return epochMillis(String(value)) ?? BigInt(Math.floor(value * 1000));
  }
  if (typeof value === "bigint") return value * 1000n;
  if (typeof value !== "string") return undefined;
  const written = parseWritten(value);
  if (written !== undefined) return written;
  if (!digitsAsMillis && YEAR.test(value)) return parseIso(value);
  return epochMillis(value) ?? parseIso(value);
}

function parseIso(value: string): bigint | undefined {
  const m = ISO.exec(value);
  if (m === null) return undefined;
  const [, year = "", month = "01", day = "01", hour = "00", minute = "00", second = "00", fraction, zone] =
    m;
  // Date.parse takes a year past 9999 only in the expanded form, +YYYYYY.
  const yearText = year.length > 4 ? `+${year.padStart(6, "0")}` : year;
  const zoneText =
    zone === undefined || zone === "z" || zone === "Z"
      ? "Z"
      : `${zone.slice(0, 3)}:${zone.slice(3).replace(":", "").padEnd(2, "0")}`;
  const ms = Date.parse(`${yearText}-${month}-${day}T${hour}:${minute}:${second}${zoneText}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1000n + BigInt((fraction ?? "").padEnd(6, "0").slice(0, 6));
}

const EPOCH_MILLIS = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Epoch milliseconds, with a fraction as a date or date_nanos field takes them ("1740787199999.999"),
 * to the microsecond: digits below it are dropped toward the past, as every other form's are.
 */
function epochMillis(text: string): bigint | undefined {
  const m = EPOCH_MILLIS.exec(text);
  if (m === null) return undefined;
  const [, sign, whole = "", fraction = ""] = m;
  const magnitude = BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, "0").slice(0, 3));
  if (sign !== "-") return magnitude;
  const below = /[1-9]/.test(fraction.slice(3)) ? 1n : 0n;
  return -magnitude - below;
}

/** date_nanos holds 1970 to 2262 only, in microseconds. */
export const DATE_NANOS_MIN = 0n;
export const DATE_NANOS_MAX = 9_223_372_036_854_775n;

/**
 * Why a version cannot be written to the timestamp field, or undefined when it can. Elasticsearch's
 * own refusal names neither the limit nor the fix.
 */
export function unwritableVersion(
  micros: bigint,
  precision: VersionPrecision,
  field: string,
): string | undefined {
  if (precision === "millisecond" || (micros >= DATE_NANOS_MIN && micros <= DATE_NANOS_MAX)) return undefined;
  const when = micros < DATE_NANOS_MIN ? "before 1970" : "after 2262-04-11";
  return (
    `the version ${formatMicros(micros)} is ${when}, which the date_nanos field ${field} cannot hold; ` +
    "map the field as date (milliseconds) in a new index to sync such records"
  );
}

/** A year with a sign, as Date#toISOString writes one before year 0 or after 9999. */
const SIGNED_YEAR = /^([+-])\d{6}-/;

/**
 * Why a timestamp column's value cannot be written to its date_nanos field, or undefined when it
 * can: the cluster's own refusal names neither the column nor the fix. `at`: where in the column's
 * value it lies (`seen[2]`, `visit.at`), for a timestamp in a collection or a UDT.
 */
export function unwritableNanos(
  value: unknown,
  column: string,
  field: string,
  index: string,
  at?: string,
): string | undefined {
  if (typeof value !== "string") return undefined;
  const micros = parseEsTimestamp(value);
  const sign = micros === undefined ? SIGNED_YEAR.exec(value)?.[1] : undefined;
  if (sign === undefined && (micros === undefined || (micros >= DATE_NANOS_MIN && micros <= DATE_NANOS_MAX)))
    return undefined;
  const when =
    sign === "-" || (micros !== undefined && micros < DATE_NANOS_MIN) ? "before 1970" : "after 2262-04-11";
  const where = at === undefined ? "" : ` at ${at}`;
  return (
    `column ${column} holds ${value}${where}, ${when}, which the date_nanos field ${field} of index ${index} ` +
    "cannot hold: map the field as date in a new index (or set ignore_malformed on it) to sync such records"
  );
}

/** The text written to the timestamp field: six fraction digits for date_nanos, three for date. */
export function formatEsTimestamp(micros: bigint, precision: VersionPrecision): string {
  return precision === "millisecond"
    ? new Date(millisFromMicros(micros)).toISOString()
    : formatMicros(micros);
}

/** The digits of `text` from `start` to `end` as a number, or -1 if any is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The forms synced itself writes, `2024-05-01T12:00:00.123456Z` and `2024-05-01T12:00:00.123Z`, read
 * without a regular expression or an allocation: every version of every document read passes here.
 * Anything else, or a date that does not read back as written, is left to the general parser.
 */
function parseWritten(value: string): bigint | undefined {
  const length = value.length;
  if (length !== 24 && length !== 27) return undefined;
  const c = (i: number): number => value.charCodeAt(i);
  // - - T : : . Z
  if (c(4) !== 45 || c(7) !== 45 || c(10) !== 84 || c(13) !== 58 || c(16) !== 58 || c(19) !== 46) {
    return undefined;
  }
  if (c(length - 1) !== 90) return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  const hour = digits(value, 11, 13);
  const minute = digits(value, 14, 16);
  const second = digits(value, 17, 19);
  const fraction = digits(value, 20, length - 1);
  // Date.UTC reads years below 100 as 19xx, and rolls over what the general parser may read
  // otherwise (February 30, hour 24): those are left to it.
  if (year < 100 || fraction < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  if (second < 0 || second > 59 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
    return undefined;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const micros = ms * 1000 + (length === 27 ? fraction : fraction * 1000);
  return Number.isSafeInteger(micros) ? BigInt(micros) : undefined;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}
