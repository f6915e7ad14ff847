// Versions as Elasticsearch stores them: `date_nanos` keeps our microseconds, `date` only milliseconds.
// Documents written by other applications may hold any ISO-8601 form or epoch milliseconds, as the
// default date format of both field types accepts.
import type { VersionPrecision } from "../../reconcile/version.js";
import { formatMicros, millisFromMicros } from "../../core/micros.js";

const ISO =
  /^(\d{4,}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Microseconds since the epoch, or undefined when the value is not a timestamp. */
export function parseEsTimestamp(value: unknown): bigint | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) ? BigInt(Math.floor(value * 1000)) : undefined;
  }
  if (typeof value === "bigint") return value * 1000n;
  if (typeof value !== "string") return undefined;
  if (/^-?\d+$/.test(value)) return BigInt(value) * 1000n;
  const m = ISO.exec(value);
  if (m === null) return undefined;
  const [, date = "", time, fraction, zone] = m;
  const zoneText = zone === undefined || zone === "z" ? "Z" : zone;
  const ms = Date.parse(time === undefined ? `${date}T00:00:00${zoneText}` : `${date}T${time}${zoneText}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1000n + BigInt((fraction ?? "").padEnd(6, "0").slice(0, 6));
}

/** The text written to the timestamp field: six fraction digits for date_nanos, three for date. */
export function formatEsTimestamp(micros: bigint, precision: VersionPrecision): string {
  return precision === "millisecond"
    ? new Date(millisFromMicros(micros)).toISOString()
    : formatMicros(micros);
}
