// Versions are compared as integer microseconds since the epoch. A side that stores less precision
// (an Elasticsearch `date` or a Cassandra `timestamp` holds milliseconds) makes both values be
// truncated to that precision first, so a value that made a round trip through it still compares equal.
import { ceilDiv, floorDiv, MICROS_PER_MILLI } from "./micros.js";

/** How finely a store keeps a record's version. */
export type VersionPrecision = "millisecond" | "microsecond";

/**
 * What an index's mapping of the timestamp field gives: the precision of its versions, or why it
 * gives none, with the field and its mapped type (absent: not mapped at all).
 */
export type TimestampMapping =
  | {
      readonly precision: VersionPrecision;
      /** The field's format lists epoch_millis before its date-time format, so four digits are milliseconds. */
      readonly digitsAsMillis?: true;
    }
  | {
      readonly problem: string;
      readonly field: string;
      readonly mappedAs?: string;
      /** The date format of a date field whose values synced cannot read or write (stores/search/date-formats.ts). */
      readonly format?: string;
    };

export function coarser(a: VersionPrecision, b: VersionPrecision): VersionPrecision {
  return a === "millisecond" || b === "millisecond" ? "millisecond" : "microsecond";
}

/** Truncates towards negative infinity, so pre-1970 versions keep their order. */
export function truncate(micros: bigint, precision: VersionPrecision): bigint {
  if (precision === "microsecond") return micros;
  return floorDiv(micros, MICROS_PER_MILLI) * MICROS_PER_MILLI;
}

/** Negative, zero or positive, as `a` is older than, as old as, or newer than `b` at `precision`. */
export function compareVersions(a: bigint, b: bigint, precision: VersionPrecision): number {
  const x = truncate(a, precision);
  const y = truncate(b, precision);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A millisecond version m lies in [b, e) exactly when ceil(b/1000) <= m < ceil(e/1000). */
export function millisecondBound(micros: bigint): bigint {
  return ceilDiv(micros, MICROS_PER_MILLI);
}
