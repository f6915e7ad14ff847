// Versions, range bounds and checkpoints are integer microseconds since the epoch, as `bigint`: a
// double holds microseconds exactly only until 2255, and Date keeps milliseconds. These helpers are
// the only place that converts between microseconds and the units of Date and durations.

export const MICROS_PER_MILLI = 1000n;
export const MICROS_PER_SECOND = 1_000_000n;

/**
 * 0001-01-01T00:00:00Z: the first instant ISO-8601 writes with four year digits, and the earliest
 * version synced reads. A configuration's first run begins here, not at the epoch, so a record dated
 * before 1970 is synced (or dead-lettered where a store cannot hold it), never left unseen.
 */
export const MIN_MICROS = -62_135_596_800_000_000n;

/**
 * Whether a scan of a range beginning at `begin` reads every version before the range too: one that
 * begins at the earliest (MIN_MICROS) does, so that a version dated before year 1 is met, and
 * dead-lettered, where no range would ever select it.
 */
export function readsBeforeEarliest(begin: bigint): boolean {
  return begin <= MIN_MICROS;
}

/** 9999-12-31T23:59:59.999999Z: the last instant ISO-8601 writes with four year digits. */
export const MAX_MICROS = 253_402_300_799_999_999n;

/** Division rounding towards negative infinity, so pre-1970 values keep their order. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

/** A Date (or epoch milliseconds) in microseconds. */
export function microsFromMillis(millis: number | Date): bigint {
  return BigInt(Math.trunc(typeof millis === "number" ? millis : millis.getTime())) * MICROS_PER_MILLI;
}

/** The current time in microseconds, at the clock's millisecond precision. */
export function nowMicros(): bigint {
  return microsFromMillis(Date.now());
}

/** The millisecond that holds `micros` (rounded down), for Date and `timestamp` columns. */
export function millisFromMicros(micros: bigint): number {
  return Number(floorDiv(micros, MICROS_PER_MILLI));
}

/** ISO-8601 in UTC with six fraction digits: `2015-01-01T00:00:00.000000Z`. */
export function formatMicros(micros: bigint): string {
  const millis = floorDiv(micros, MICROS_PER_MILLI);
  const sub = micros - millis * MICROS_PER_MILLI;
  return `${new Date(Number(millis)).toISOString().slice(0, -1)}${sub.toString().padStart(3, "0")}Z`;
}
