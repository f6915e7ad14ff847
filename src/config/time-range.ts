// Range bounds are integer microseconds since the epoch, the unit versions are compared in, so a bound
// never rounds a record into or out of the range. Parsing is by hand rather than with luxon or Date,
// which keep only milliseconds.
import { ConfigError, flagSource } from "./errors.js";
import type { OptionSource } from "./errors.js";

const MICROS_PER_MILLI = 1000n;
const MICROS_PER_SECOND = 1_000_000n;
/** 9999-12-31T23:59:59.999999Z: the last instant ISO-8601 writes with four year digits. */
export const MAX_MICROS = 253_402_300_799_999_999n;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;
// Nanoseconds per unit. A bare number means seconds, as in the 2015 tool's examples.
const UNIT_NANOS = { s: 1_000_000_000n, ms: 1_000_000n, us: 1000n, ns: 1n } as const;
const EPOCH = /^(\d+)(?:\.(\d{1,9}))?(s|ms|us|ns)?$/;

export const ACCEPTED_TIME_FORMS = [
  "ISO-8601 with Z or an offset: 2015-01-01T00:00:00Z, 2015-01-01T01:00:00.123456+01:00",
  "a date, meaning midnight UTC: 2015-01-01",
  "epoch seconds: 1420070400 or 1420070400.5",
  "an epoch with a unit (s, ms, us, ns): 1420070400s, 1420070400000ms, 1420070400000000us, 1420070400000000000ns",
];

/**
 * Parses a `-b`/`-e` value into microseconds since the epoch. Digits finer than a microsecond are
 * truncated. Throws a ConfigError that names `option`, echoes the value and lists the accepted forms.
 */
export function parseTimestamp(
  value: string,
  option = "begin",
  source: OptionSource = flagSource(option),
): bigint {
  const text = value.trim();
  const result = parseIso(text) ?? parseEpoch(text);
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
  return micros > MAX_MICROS ? "is after 9999-12-31" : micros;
}

function parseEpoch(text: string): bigint | string | undefined {
  const m = EPOCH.exec(text);
  if (m === null) return undefined;
  const [, whole = "", frac = "", unit] = m;
  const scaled = BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, "0"));
  // scaled is in billionths of the unit; a microsecond is 1000 ns.
  const micros = (scaled * UNIT_NANOS[(unit ?? "s") as keyof typeof UNIT_NANOS]) / 1_000_000_000_000n;
  if (micros <= MAX_MICROS) return micros;
  if (unit !== undefined || frac !== "") return "is after 9999-12-31";
  const guess = whole.length >= 19 ? "ns" : whole.length >= 16 ? "us" : "ms";
  return `is after 9999-12-31 as epoch seconds; if it is in ${guess === "us" ? "microseconds" : guess === "ns" ? "nanoseconds" : "milliseconds"}, write ${whole}${guess}`;
}

/** ISO-8601 in UTC with six fraction digits: `2015-01-01T00:00:00.000000Z`. */
export function formatMicros(micros: bigint): string {
  const rem = micros % MICROS_PER_MILLI;
  const millis = (micros - rem) / MICROS_PER_MILLI - (rem < 0n ? 1n : 0n);
  const sub = micros - millis * MICROS_PER_MILLI;
  return `${new Date(Number(millis)).toISOString().slice(0, -1)}${sub.toString().padStart(3, "0")}Z`;
}

export interface RangeInput {
  readonly begin?: bigint | undefined;
  readonly end?: bigint | undefined;
  /** This configuration's saved checkpoint, if it has one. */
  readonly checkpoint?: bigint | undefined;
  readonly lagMs: number;
  /** The current time in microseconds since the epoch. */
  readonly now: bigint;
  readonly allowFutureEnd?: boolean | undefined;
}

export interface ResolvedRange {
  readonly begin: bigint;
  readonly end: bigint;
  readonly beginFrom: "option" | "checkpoint" | "epoch";
  readonly endFrom: "option" | "now-minus-lag";
}

/**
 * Fills in the defaults of `[begin, end)`: end is now minus the lag, begin is the checkpoint or the
 * epoch. Refuses an empty range, and an end after now unless `allowFutureEnd`: a run up to a future
 * end would move the checkpoint past records that are written later with an earlier `tmstmp`.
 */
export function resolveRange(input: RangeInput): ResolvedRange {
  const lagMicros = BigInt(Math.trunc(input.lagMs)) * MICROS_PER_MILLI;
  const end = input.end ?? input.now - lagMicros;
  const endFrom = input.end === undefined ? "now-minus-lag" : "option";
  const begin = input.begin ?? input.checkpoint ?? 0n;
  const beginFrom =
    input.begin !== undefined ? "option" : input.checkpoint !== undefined ? "checkpoint" : "epoch";
  if (end > input.now && input.allowFutureEnd !== true) {
    throw new ConfigError(
      "end",
      undefined,
      `The end ${formatMicros(end)} (-e) is after now (${formatMicros(input.now)}). Records written later ` +
        `with an earlier tmstmp would then sit behind the checkpoint and never be synced. Leave -e out to ` +
        `sync up to now minus --lag, or pass --allow-future-end for a one-off run.`,
      { details: { end: formatMicros(end), now: formatMicros(input.now) } },
    );
  }
  if (begin >= end) throw emptyRange(begin, end, beginFrom, endFrom, input.lagMs);
  return { begin, end, beginFrom, endFrom };
}

function emptyRange(
  begin: bigint,
  end: bigint,
  beginFrom: ResolvedRange["beginFrom"],
  endFrom: ResolvedRange["endFrom"],
  lagMs: number,
): ConfigError {
  const b = formatMicros(begin);
  const e = formatMicros(end);
  const endText = endFrom === "option" ? `the end ${e} (-e)` : `the end ${e} (now minus the ${lagMs} ms lag)`;
  let message: string;
  let reason: string;
  if (beginFrom === "checkpoint") {
    reason = "checkpoint-past-end";
    message =
      `The checkpoint ${b} is already at or past ${endText}: there is nothing new to sync. ` +
      (endFrom === "option"
        ? "Pass -b to sync an earlier range (a backfill does not move the checkpoint back)."
        : "Wait until the lag has passed, or pass -e.");
  } else {
    reason = "begin-not-before-end";
    message = `The begin ${b} (${beginFrom === "option" ? "-b" : "the epoch"}) is not before ${endText}. Pass a begin earlier than the end.`;
  }
  return new ConfigError("begin", undefined, message, { details: { begin: b, end: e, reason } });
}
