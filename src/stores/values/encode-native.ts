// Driver value → canonical JSON for the native CQL types. Reads what cassandra-driver 4.10 returns,
// with CASSANDRA_ENCODING or the default options (Long and Integer as well as bigint), and always
// produces the same canonical form, described in encode.ts.
import cassandra from "cassandra-driver";
import type { JsonValue } from "../../core/canonical-json.js";
import type { NativeName } from "../../core/cql-type.js";
import { formatDuration } from "./duration.js";
import { formatInet } from "./inet.js";
import {
  bigintFromTwosComplement,
  fitsSmallInteger,
  formatDecimal,
  INTEGER_RANGES,
  shortestFloat32,
} from "./numbers.js";
import { formatDate, formatTime, NANOS_PER_DAY } from "./temporal.js";
import { describeValue, ValueError } from "../../core/value-error.js";

const { types } = cassandra;
const DATE_CENTER = 2 ** 31;
export const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Non-finite numbers and negative zero, which a JSON number cannot carry, as strings. */
export function encodeFloating(value: number): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return Object.is(value, -0) ? "-0" : value;
}

// A function of the module, not a closure made on every call: this runs for every value of every record.
function refuse(value: unknown, name: NativeName, path: string, expected: string): never {
  throw new ValueError(path, `${describeValue(value)} is not a ${name} value: expected ${expected}`);
}

export function encodeNative(value: unknown, name: NativeName, path: string): JsonValue {
  switch (name) {
    case "ascii":
    case "text":
    case "varchar":
      return typeof value === "string" ? value : refuse(value, name, path, "a string");
    case "boolean":
      return typeof value === "boolean" ? value : refuse(value, name, path, "a boolean");
    case "tinyint":
    case "smallint":
    case "int":
    case "bigint":
    case "counter": {
      // The common case, a number in range, without a bigint made for every value.
      if (
        typeof value === "number" &&
        name !== "bigint" &&
        name !== "counter" &&
        fitsSmallInteger(value, name)
      )
        return value === 0 ? 0 : value;
      const integer = integerOf(value) ?? refuse(value, name, path, "an integer");
      const [min, max] = INTEGER_RANGES[name];
      if (integer < min || integer > max) refuse(value, name, path, `an integer between ${min} and ${max}`);
      return name === "bigint" || name === "counter" ? integer : Number(integer);
    }
    case "varint":
      return (integerOf(value) ?? refuse(value, name, path, "a bigint or an Integer")).toString();
    case "decimal": {
      if (!(value instanceof types.BigDecimal)) return refuse(value, name, path, "a BigDecimal");
      const bytes = types.BigDecimal.toBuffer(value);
      return formatDecimal({
        unscaled: bigintFromTwosComplement(bytes.subarray(4)),
        scale: bytes.readInt32BE(0),
      });
    }
    case "float":
      return typeof value === "number"
        ? encodeFloating(shortestFloat32(Math.fround(value)))
        : refuse(value, name, path, "a number");
    case "double":
      return typeof value === "number" ? encodeFloating(value) : refuse(value, name, path, "a number");
    case "blob":
      return value instanceof Uint8Array
        ? Buffer.from(value).toString("base64")
        : refuse(value, name, path, "a Buffer");
    case "date":
      if (!(value instanceof types.LocalDate)) return refuse(value, name, path, "a LocalDate");
      // toBuffer holds the day count even where the driver's year/month/day fields are NaN.
      return formatDate(value.toBuffer().readUInt32BE(0) - DATE_CENTER);
    case "time": {
      if (!(value instanceof types.LocalTime)) return refuse(value, name, path, "a LocalTime");
      const nanos = BigInt(value.getTotalNanoseconds().toString());
      return nanos >= 0n && nanos < NANOS_PER_DAY
        ? formatTime(nanos)
        : refuse(value, name, path, "a time of day");
    }
    case "timestamp":
      if (!(value instanceof Date)) return refuse(value, name, path, "a Date");
      if (Number.isNaN(value.getTime())) {
        throw new ValueError(
          path,
          "the timestamp lies outside what the driver can read (±8.64e15 ms, years -271821 to 275760); " +
            "the driver returns it as an invalid Date, so its value is unknown",
        );
      }
      return value.toISOString();
    case "uuid":
    case "timeuuid": {
      const text = value instanceof types.Uuid || typeof value === "string" ? value.toString() : "";
      return UUID_TEXT.test(text) ? text.toLowerCase() : refuse(value, name, path, "a Uuid");
    }
    case "inet":
      return (
        (value instanceof types.InetAddress ? formatInet(value.getBuffer()) : undefined) ??
        refuse(value, name, path, "an InetAddress")
      );
    case "duration":
      return (
        encodeDuration(value) ??
        refuse(value, name, path, "a Duration with months, days and nanoseconds of one sign")
      );
  }
}

function integerOf(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (value instanceof types.Long) return BigInt(value.toString());
  if (value instanceof types.Integer) return bigintFromTwosComplement(types.Integer.toBuffer(value));
  return undefined;
}

function encodeDuration(value: unknown): string | undefined {
  if (!(value instanceof types.Duration)) return undefined;
  // The fields are public in the driver's JavaScript but missing from its type declarations.
  const { months, days, nanoseconds } = value as unknown as Record<string, unknown>;
  const nanos = nanoseconds instanceof types.Long ? BigInt(nanoseconds.toString()) : undefined;
  if (typeof months !== "number" || typeof days !== "number" || nanos === undefined) return undefined;
  const parts = { months: BigInt(months), days: BigInt(days), nanos };
  const signs = new Set([parts.months, parts.days, parts.nanos].filter((n) => n !== 0n).map((n) => n < 0n));
  return signs.size <= 1 ? formatDuration(parts) : undefined;
}
