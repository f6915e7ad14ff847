// JSON → driver value for the native CQL types, validated strictly. Besides the canonical forms it
// accepts what other applications commonly write to Elasticsearch (the list is in decode.ts). The
// values suit a Client created with CASSANDRA_ENCODING: bigint, counter and varint come back as bigint.
import cassandra from "cassandra-driver";
import type { NativeName } from "../../core/cql-type.js";
import { NumberLiteral } from "../../core/number-literal.js";
import { parseDuration } from "./duration.js";
import { UUID_TEXT } from "./encode-native.js";
import { parseInet } from "./inet.js";
import {
  fitsSmallInteger,
  INTEGER_RANGES,
  parseDecimalText,
  parseIntegerText,
  twosComplementFromBigint,
} from "./numbers.js";
import { MAX_DATE_MS, MS_PER_DAY, parseDate, parseTime, parseTimestamp } from "./temporal.js";
import { describeValue, ValueError } from "../../core/value-error.js";
import { ownValue } from "../../core/own-value.js";

const { types } = cassandra;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Padded, of the standard alphabet: what Elasticsearch's own parser of a binary field takes where it
// reads the value (a stored field), so that synced reads no document another index would refuse.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = { NaN, Infinity, "-Infinity": -Infinity, "-0": -0 };
const DATE_RANGE = [-(2 ** 31), 2 ** 31 - 1] as const;
const MAX_SAFE = 2n ** 53n;

const LONE_SURROGATE = /\p{Cs}/u;

declare global {
  interface String {
    /** ES2024, in Node 20 and later; the ES2023 lib this builds with does not type it yet. */
    isWellFormed(): boolean;
  }
}

/**
 * Cassandra keeps text as UTF-8, which cannot encode a lone surrogate: the driver would store U+FFFD
 * instead, and the two sides would differ on every run.
 */
function wellFormed(text: string, path: string): string {
  // The built-in check first: the search below is only for the message.
  if (text.isWellFormed()) return text;
  const at = text.search(LONE_SURROGATE);
  const unit = text.charCodeAt(at).toString(16);
  throw new ValueError(
    path,
    `the text is not valid Unicode: a lone surrogate \\u${unit} at character ${at}, which UTF-8 ` +
      "cannot hold; fix the value at its source",
  );
}

// A function of the module, not a closure made on every call: this runs for every value of every record.
function refuse(json: unknown, name: NativeName, path: string, expected: string): never {
  throw new ValueError(path, `${describeValue(json)} is not a valid ${name}: expected ${expected}`);
}

export function decodeNative(json: unknown, name: NativeName, path: string): unknown {
  const text = typeof json === "string" ? json : undefined;
  switch (name) {
    case "text":
    case "varchar":
      return text === undefined ? refuse(json, name, path, "a string") : wellFormed(text, path);
    case "ascii":
      return text !== undefined && /^\p{ASCII}*$/u.test(text)
        ? text
        : refuse(json, name, path, "a string of ASCII characters");
    case "boolean":
      if (typeof json === "boolean") return json;
      return text === "true" || text === "false"
        ? text === "true"
        : refuse(json, name, path, 'true or false (or "true", "false")');
    case "tinyint":
    case "smallint":
    case "int":
    case "bigint":
    case "counter": {
      // The common case, a JSON number in range, without a bigint made for every value.
      // (-0 is read as 0, as the general path reads it.)
      if (typeof json === "number" && name !== "bigint" && name !== "counter" && fitsSmallInteger(json, name))
        return json === 0 ? 0 : json;
      const [min, max] = INTEGER_RANGES[name];
      const integer = integerFrom(json);
      if (integer === undefined || integer < min || integer > max)
        refuse(json, name, path, `an integer between ${min} and ${max}`);
      return name === "bigint" || name === "counter" ? integer : Number(integer);
    }
    case "varint":
      return (
        integerFrom(json) ??
        refuse(json, name, path, "an integer (a number up to ±2^53, an integer literal or a string)")
      );
    case "decimal": {
      const source =
        typeof json === "number" || typeof json === "bigint" || json instanceof NumberLiteral
          ? String(json)
          : text;
      if (json === Infinity || json === -Infinity) beyondDouble(name, path);
      const decimal = source === undefined ? "syntax" : parseDecimalText(source);
      if (decimal === "syntax") return refuse(json, name, path, "a finite decimal number or numeric string");
      if (decimal === "scale") return refuse(json, name, path, "an exponent whose scale fits 32 bits");
      const scale = Buffer.alloc(4);
      scale.writeInt32BE(decimal.scale);
      return types.BigDecimal.fromBuffer(Buffer.concat([scale, twosComplementFromBigint(decimal.unscaled)]));
    }
    case "float": {
      const value =
        floatingFrom(json, name, path) ??
        refuse(json, name, path, 'a number, a numeric string, "NaN", "Infinity" or "-Infinity"');
      const single = Math.fround(value);
      if (Number.isFinite(value) && !Number.isFinite(single))
        refuse(json, name, path, "a magnitude up to 3.4028235e38");
      if (value !== 0 && single === 0)
        refuse(json, name, path, "a magnitude of at least 1.4e-45 (it would become 0)");
      return single;
    }
    case "double":
      return (
        floatingFrom(json, name, path) ??
        refuse(json, name, path, 'a number, a numeric string, "NaN", "Infinity" or "-Infinity"')
      );
    case "blob":
      return text !== undefined && BASE64.test(text)
        ? Buffer.from(text, "base64")
        : refuse(json, name, path, "base64 text of A-Z, a-z, 0-9, + and /, with its = padding");
    case "date": {
      const days = text === undefined ? undefined : (parseDate(text) ?? midnightDays(text));
      if (days === undefined || days < DATE_RANGE[0] || days > DATE_RANGE[1]) {
        return refuse(
          json,
          name,
          path,
          "an ISO date (YYYY-MM-DD or ±YYYYYY-MM-DD) within years -5877641 to 5881580",
        );
      }
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(days + 2 ** 31);
      return types.LocalDate.fromBuffer(bytes);
    }
    case "time": {
      const nanos = text === undefined ? undefined : parseTime(text);
      return nanos === undefined
        ? refuse(json, name, path, "a time of day HH:MM[:SS[.fffffffff]]")
        : new types.LocalTime(longFrom(nanos));
    }
    case "timestamp": {
      const millis =
        yearAlone(json) ?? epochMillisFrom(json) ?? (text === undefined ? undefined : parseTimestamp(text));
      if (millis === undefined || Math.abs(millis) > MAX_DATE_MS) {
        return refuse(
          json,
          name,
          path,
          "an ISO date-time or epoch milliseconds within ±8.64e15 ms (years -271821 to 275760)",
        );
      }
      return new Date(millis);
    }
    case "uuid":
    case "timeuuid": {
      if (text === undefined || !UUID_TEXT.test(text))
        return refuse(json, name, path, "a UUID such as 123e4567-e89b-12d3-a456-426614174000");
      if (name === "uuid") return types.Uuid.fromString(text.toLowerCase());
      return text.charAt(14) === "1"
        ? types.TimeUuid.fromString(text.toLowerCase())
        : refuse(json, name, path, "a version 1 UUID");
    }
    case "inet": {
      const bytes = text === undefined ? undefined : parseInet(text);
      return bytes === undefined
        ? refuse(json, name, path, "an IPv4 or IPv6 address")
        : new types.InetAddress(bytes);
    }
    case "duration": {
      const parts = text === undefined ? undefined : parseDuration(text);
      if (parts === undefined)
        return refuse(json, name, path, 'a duration such as "1y2mo3d4h5m6s7ms8us9ns" or "P1DT2H"');
      return new types.Duration(Number(parts.months), Number(parts.days), longFrom(parts.nanos));
    }
  }
}

function longFrom(value: bigint): cassandra.types.Long {
  return new types.Long(Number(BigInt.asIntN(32, value)), Number(BigInt.asIntN(32, value >> 32n)));
}

// A JSON number beyond ±2^53 may already have been rounded by whoever parsed it, so only exact forms
// (a safe integer, a bigint from the lossless parser, or digits in a string) are taken as integers.
function integerFrom(json: unknown): bigint | undefined {
  if (typeof json === "bigint") return json;
  if (json instanceof NumberLiteral) return integerOfLiteral(json);
  if (typeof json === "number") return Number.isSafeInteger(json) ? BigInt(json) : undefined;
  return typeof json === "string" ? parseIntegerText(json) : undefined;
}

// An integer written with an exponent, such as 1.2345678901234567891e30, as far as this many digits:
// beyond them, the exponent alone could make a number too large to build.
const MAX_LITERAL_SCALE = 1000;

function integerOfLiteral(literal: NumberLiteral): bigint | undefined {
  const decimal = parseDecimalText(literal.text);
  if (typeof decimal === "string" || Math.abs(decimal.scale) > MAX_LITERAL_SCALE) return undefined;
  if (decimal.scale <= 0) return decimal.unscaled * 10n ** BigInt(-decimal.scale);
  const factor = 10n ** BigInt(decimal.scale);
  return decimal.unscaled % factor === 0n ? decimal.unscaled / factor : undefined;
}

const FLOATING_LIMITS = {
  float: { max: "3.4028235e38", min: "1.4e-45" },
  double: { max: "1.7976931348623157e308", min: "4.9e-324" },
} as const;

// A literal a double would change: its value rounded, or refused where rounding would make it
// another number altogether (an infinity, or 0).
function floatingOfLiteral(literal: NumberLiteral, name: "float" | "double", path: string): number {
  const value = Number(literal.text);
  const limits = FLOATING_LIMITS[name];
  if (!Number.isFinite(value))
    refuse(literal, name, path, `a magnitude up to ${limits.max} (a decimal column holds it exactly)`);
  if (value === 0) {
    refuse(
      literal,
      name,
      path,
      `a magnitude of at least ${limits.min}, as it would become 0 (a decimal column holds it exactly)`,
    );
  }
  return value;
}

// JSON has no infinities: a number read as one was written beyond the double's range, and no JSON
// reader kept its digits (synced writes an infinite double as the string "Infinity").
function beyondDouble(name: "float" | "double" | "decimal", path: string): never {
  const keep =
    name === "decimal"
      ? 'write it as a string, such as "1e400", and the decimal column holds it exactly'
      : 'a decimal column holds it exactly when written as a string, such as "1e400"';
  throw new ValueError(
    path,
    `a number beyond ±1.7976931348623157e308 is not a valid ${name}: it reads as Infinity; ${keep}`,
  );
}

function floatingFrom(json: unknown, name: "float" | "double", path: string): number | undefined {
  if (typeof json === "number") return Number.isFinite(json) ? json : beyondDouble(name, path);
  if (json instanceof NumberLiteral) return floatingOfLiteral(json, name, path);
  if (typeof json === "bigint") return Number.isFinite(Number(json)) ? Number(json) : undefined;
  if (typeof json !== "string") return undefined;
  const special = ownValue(SPECIAL_FLOATS, json);
  if (special !== undefined) return special;
  const value = FLOAT_TEXT.test(json) ? Number(json) : undefined;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/**
 * Four digits alone, as text or a number, are a year: the date field's date-time format comes before
 * epoch_millis (in the default format and in synced's own), so the index reads 2026 as 2026-01-01.
 */
function yearAlone(json: unknown): number | undefined {
  const text = typeof json === "number" || typeof json === "string" ? String(json) : "";
  return /^\d{4}$/.test(text) ? parseTimestamp(`${text}-01-01`) : undefined;
}

function epochMillisFrom(json: unknown): number | undefined {
  if (typeof json === "number") return Number.isSafeInteger(json) ? json : undefined;
  const integer = integerFrom(json);
  return integer === undefined || integer > MAX_SAFE || integer < -MAX_SAFE ? undefined : Number(integer);
}

// Applications often write a date as a timestamp at midnight UTC; any other time would be lost.
function midnightDays(text: string): number | undefined {
  const millis = parseTimestamp(text);
  return millis !== undefined && millis % MS_PER_DAY === 0 ? millis / MS_PER_DAY : undefined;
}
