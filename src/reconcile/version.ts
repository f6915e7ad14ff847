// Versions are compared as integer microseconds since the epoch. A side that stores less precision
// (an Elasticsearch `date` or a Cassandra `timestamp` holds milliseconds) makes both values be
// truncated to that precision first, so a value that made a round trip through it still compares equal.

/** How finely a store keeps a record's version. */
export type VersionPrecision = "millisecond" | "microsecond";

const MICROS_PER_MILLI = 1000n;

export function coarser(a: VersionPrecision, b: VersionPrecision): VersionPrecision {
  return a === "millisecond" || b === "millisecond" ? "millisecond" : "microsecond";
}

/** Truncates towards negative infinity, so pre-1970 versions keep their order. */
export function truncate(micros: bigint, precision: VersionPrecision): bigint {
  if (precision === "microsecond") return micros;
  const rem = micros % MICROS_PER_MILLI;
  return rem < 0n ? micros - rem - MICROS_PER_MILLI : micros - rem;
}

/** Negative, zero or positive, as `a` is older than, as old as, or newer than `b` at `precision`. */
export function compareVersions(a: bigint, b: bigint, precision: VersionPrecision): number {
  const x = truncate(a, precision);
  const y = truncate(b, precision);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

/** A millisecond version m lies in [b, e) exactly when ceil(b/1000) <= m < ceil(e/1000). */
export function millisecondBound(micros: bigint): bigint {
  return ceilDiv(micros, 1000n);
}
