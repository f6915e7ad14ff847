// Range bounds are integer microseconds since the epoch, the unit versions are compared in, so a bound
// never rounds a record into or out of the range. Parsing is by hand rather than with luxon or Date,
// which keep only milliseconds.
import { ConfigError, flagSource } from "../core/errors.js";
import type { OptionSource } from "../core/errors.js";
import { MAX_MICROS, MICROS_PER_SECOND, MIN_MICROS, microsFromMillis, nowMicros } from "../core/micros.js";
import { durationMillis } from "./duration.js";

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;
// Nanoseconds per unit. A bare number means seconds, as in the 2015 tool's examples.
const UNIT_NANOS = { s: 1_000_000_000n, ms: 1_000_000n, us: 1000n, ns: 1n } as const;
const EPOCH = /^(\d+)(?:\.(\d+))?(s|ms|us|ns)?$/;
const RELATIVE = /^now\s*(?:([+-])\s*(.*))?$/i;

export const ACCEPTED_TIME_FORMS = [
  "ISO-8601 with Z or an offset: 2015-01-01T00:00:00Z, 2015-01-01T01:00:00.123456+01:00",
  "a date, meaning midnight UTC: 2015-01-01",
  "epoch seconds: 1420070400 or 1420070400.5",
  "an epoch with a unit (s, ms, us, ns): 1420070400s, 1420070400000ms, 1420070400000000us, 1420070400000000000ns",
  "now, or now minus a duration as --lag takes it: now-2h, now-1h30m, now-10m",
];

/**
 * Parses a `-b`/`-e` value into microseconds since the epoch; `now` is what a relative time counts
 * from. Digits finer than a microsecond are truncated. Throws a ConfigError that names `option`,
 * echoes the value and lists the accepted forms.
 */
export function parseTimestamp(
  value: string,
  option = "begin",
  source: OptionSource = flagSource(option),
  now: bigint = nowMicros(),
): bigint {
  const text = value.trim();
  const result = parseIso(text) ?? parseEpoch(text) ?? parseRelative(text, now, option);
  if (typeof result === "bigint") return result;
  const problem = result ?? "is not a time synced understands";
  throw new ConfigError(
    option,
    source,
    `"${value}" ${problem}. Accepted forms:\n${ACCEPTED_TIME_FORMS.map((f) => `  - ${f}`).join("\n")}`,
    { details: { value } },
  );
}

/** A bigint on success, a problem on a value that has the form but not a valid content, else undefined. */
function parseIso(text: string): bigint | string | undefined {
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const hasTime = h !== undefined;
  if (hasTime && zulu === undefined && sign === undefined) {
    return "has no time zone: add Z for UTC or an offset such as +01:00";
  }
  if (frac !== undefined && frac.length > 9) return "has more than 9 fraction digits";
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const [hour, minute, second] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return "is not a calendar date";
  }
  if (hour > 23 || minute > 59 || second > 59) return "is not a time of day (00:00:00 to 23:59:59)";
  const offsetMinutes = Number(oh ?? 0) * 60 + Number(om ?? 0);
  if (Number(oh ?? 0) > 23 || Number(om ?? 0) > 59) return "has an offset that is not ±HH:MM";
  const signed = sign === "-" ? -offsetMinutes : offsetMinutes;
  const seconds = BigInt(date.getTime() / 1000) + BigInt(hour * 3600 + minute * 60 + second - signed * 60);
  const micros = seconds * MICROS_PER_SECOND + BigInt((frac ?? "").padEnd(6, "0").slice(0, 6));
  if (micros > MAX_MICROS) return "is after 9999-12-31";
  // Before the earliest version synced reads no record can lie, and a year before 1 prints as -000001,
  // which no option reads back.
  return micros < MIN_MICROS ? "is before 0001-01-01, the earliest version synced reads" : micros;
}

function parseRelative(text: string, now: bigint, option: string): bigint | string | undefined {
  const m = RELATIVE.exec(text);
  if (m === null) return undefined;
  const [, sign, duration = ""] = m;
  if (sign === undefined) return now;
  if (sign === "+") {
    // synced state set takes no time after now at all, in any form: naming -e's form would send the
    // reader to a date that is refused next.
    if (option === "to") return "comes after now: --to takes a time before now, such as now-1h";
    return (
      "comes after now: a time after now is taken only by -e with --allow-future-end, and as a date and " +
      "time (such as 2030-01-01T00:00:00Z), not as now plus a duration; otherwise take a duration from " +
      "now, such as now-1h"
    );
  }
  const ms = durationMillis(duration);
  if (typeof ms !== "number") return `is not now minus a duration: ${ms.problem.replace(/\.$/, "")}`;
  const micros = now - microsFromMillis(ms);
  return micros < MIN_MICROS ? "is before 0001-01-01" : micros;
}

function parseEpoch(text: string): bigint | string | undefined {
  const m = EPOCH.exec(text);
  if (m === null) return undefined;
  const [, whole = "", frac = "", unit] = m;
  if (frac.length > 9) return "has more than 9 fraction digits";
  const misread = unit === undefined && frac === "" ? calendarLike(whole) : undefined;
  if (misread !== undefined) return misread;
  const scaled = BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, "0"));
  // scaled is in billionths of the unit; a microsecond is 1000 ns.
  const micros = (scaled * UNIT_NANOS[(unit ?? "s") as keyof typeof UNIT_NANOS]) / 1_000_000_000_000n;
  if (micros <= MAX_MICROS) return micros;
  if (unit !== undefined || frac !== "") return "is after 9999-12-31";
  const guess = whole.length >= 19 ? "ns" : whole.length >= 16 ? "us" : "ms";
  return `is after 9999-12-31 as epoch seconds; if it is in ${guess === "us" ? "microseconds" : guess === "ns" ? "nanoseconds" : "milliseconds"}, write ${whole}${guess}`;
}

/**
 * Why bare digits that read as a year (2015) or a date (20150101) are refused: as epoch seconds they
 * are a time in 1970, which a backfill of 2015 would run over without a word. `2015s` says seconds.
 */
function calendarLike(whole: string): string | undefined {
  const year = /^(19|2\d)\d\d$/.test(whole);
  const compact = /^(19|2\d)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.exec(whole);
  if (!year && compact === null) return undefined;
  const date = year ? `${whole}-01-01` : `${whole.slice(0, 4)}-${whole.slice(4, 6)}-${whole.slice(6)}`;
  const at = new Date(Number(whole) * 1000).toISOString();
  return (
    `reads as epoch seconds, ${at}, a time in 1970; for ${year ? "the year" : "that date"} write ${date}, ` +
    `or ${whole}s if seconds are meant`
  );
}
