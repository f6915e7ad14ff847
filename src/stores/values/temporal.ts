// Calendar arithmetic for CQL date, time and timestamp, done by hand because a JS Date covers only
// ±100,000,000 days while a CQL date spans 2^32 days (years -5877641 to 5881580). The civil-date
// conversions are the proleptic Gregorian algorithms from Howard Hinnant's "chrono-compatible
// low-level date algorithms", which are exact for any day count a double holds.

export const MS_PER_DAY = 86_400_000;
/** The largest |milliseconds| a JS Date (and so the driver's timestamp) can hold. */
export const MAX_DATE_MS = 8.64e15;
export const NANOS_PER_DAY = 86_400_000_000_000n;

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function daysFromCivil({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** ISO 8601: four-digit years, or the expanded form with a sign and at least six digits. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const yearText =
    year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? "-" : "+"}${pad(Math.abs(year), 6)}`;
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}`;
}

const DATE = String.raw`([+-]\d{4,9}|\d{4})-(\d{2})-(\d{2})`;
const DATE_ONLY = new RegExp(`^${DATE}$`);
// A month alone, or an hour without minutes, as strict_date_optional_time takes them.
const DATE_TIME = new RegExp(
  String.raw`^([+-]\d{4,9}|\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?)?$`,
);

/** Days since the epoch of an ISO date, or undefined when the text is not a real calendar date. */
export function parseDate(text: string): number | undefined {
  const match = DATE_ONLY.exec(text);
  return match ? civilDays(match[1], match[2], match[3]) : undefined;
}

function civilDays(yearText = "", monthText = "", dayText = ""): number | undefined {
  const date = { year: Number(yearText), month: Number(monthText), day: Number(dayText) };
  if (date.month < 1 || date.month > 12 || date.day < 1) return undefined;
  const days = daysFromCivil(date);
  // A day past the month's end rolls into the next month; that is how a bad date shows up.
  return civilFromDays(days).month === date.month ? days : undefined;
}

/**
 * Milliseconds since the epoch of an ISO date-time with any fraction and an optional offset
 * (none means UTC, as Elasticsearch reads it). Digits beyond milliseconds are truncated.
 */
export function parseTimestamp(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d = "01", h = "0", mi = "0", s = "0", fraction = "", offset = "Z"] = match;
  const days = civilDays(y, mo, d);
  const [hours, minutes, seconds] = [Number(h), Number(mi), Number(s)];
  if (days === undefined || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const offsetMinutes = parseOffset(offset);
  if (offsetMinutes === undefined) return undefined;
  const millis = Number(fraction.slice(0, 3).padEnd(3, "0"));
  return days * MS_PER_DAY + ((hours * 60 + minutes - offsetMinutes) * 60 + seconds) * 1000 + millis;
}

function parseOffset(offset: string): number | undefined {
  if (offset === "Z" || offset === "z") return 0;
  const digits = offset.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || "0");
  if (hours > 18 || minutes > 59) return undefined;
  return (offset.startsWith("-") ? -1 : 1) * (hours * 60 + minutes);
}

/** `HH:MM:SS.nnnnnnnnn`, always with nine fraction digits. */
export function formatTime(nanos: bigint): string {
  const fraction = nanos % 1_000_000_000n;
  const totalSeconds = Number(nanos / 1_000_000_000n);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor(totalSeconds / 60) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(totalSeconds % 60, 2)}.${fraction.toString().padStart(9, "0")}`;
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** Nanoseconds since midnight of `HH:MM[:SS[.fffffffff]]`, or undefined. */
export function parseTime(text: string): bigint | undefined {
  const match = TIME.exec(text);
  if (!match) return undefined;
  const [, h = "", m = "", s = "0", fraction = ""] = match;
  const [hours, minutes, seconds] = [Number(h), Number(m), Number(s)];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const whole = BigInt((hours * 60 + minutes) * 60 + seconds) * 1_000_000_000n;
  return whole + BigInt(fraction.padEnd(9, "0") || "0");
}
