// Encoding and decoding of every native CQL type against the driver's own value classes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { parseJsonLossless, stableStringify, type JsonValue } from "../../src/core/canonical-json.js";
import { native, type NativeName } from "../../src/core/cql-type.js";
import { canonicalize, decodeValue } from "../../src/stores/values/decode.js";
import { encodeValue } from "../../src/stores/values/encode.js";
import { ValueError } from "../../src/core/value-error.js";

const { types } = cassandra;

/** Encodes, sends through JSON text, decodes, and checks the value encodes the same again. */
function roundTrip(value: unknown, name: NativeName): JsonValue {
  const encoded = encodeValue(value, native(name), "col");
  const json = parseJsonLossless(stableStringify(encoded));
  const decoded = decodeValue(json, native(name), "col");
  assert.deepEqual(encodeValue(decoded, native(name), "col"), encoded);
  return encoded;
}

function refuses(json: unknown, name: NativeName, reason: RegExp): void {
  assert.throws(
    () => decodeValue(json, native(name), "price"),
    (error: unknown) => error instanceof ValueError && error.path === "price" && reason.test(error.message),
    `${String(json)} as ${name}`,
  );
}

describe("native values: canonical forms and round trips", () => {
  it("integers, with bigint exact at both ends of 64 bits", () => {
    assert.equal(roundTrip(-128, "tinyint"), -128);
    assert.equal(roundTrip(32767, "smallint"), 32767);
    assert.equal(roundTrip(-2147483648, "int"), -2147483648);
    assert.equal(roundTrip(9223372036854775807n, "bigint"), 9223372036854775807n);
    assert.equal(roundTrip(-9223372036854775808n, "bigint"), -9223372036854775808n);
    assert.equal(roundTrip(types.Long.fromString("-9223372036854775808"), "bigint"), -9223372036854775808n);
    assert.equal(roundTrip(42n, "counter"), 42n);
  });

  it("small integers read as numbers at both ends of each range, -0 as 0, and bigint still as bigint", () => {
    for (const [name, min, max] of [
      ["tinyint", -128, 127],
      ["smallint", -32768, 32767],
      ["int", -2147483648, 2147483647],
    ] as const) {
      for (const value of [min, max]) {
        assert.equal(decodeValue(value, native(name), "c"), value, `${value} as ${name}`);
        assert.equal(encodeValue(value, native(name), "c"), value, `${value} as ${name}`);
      }
      refuses(min - 1, name, /not a valid/);
      refuses(max + 1, name, /not a valid/);
      assert.throws(() => encodeValue(max + 1, native(name), "c"), ValueError);
      assert.ok(Object.is(decodeValue(-0, native(name), "c"), 0), `-0 as ${name}`);
      assert.ok(Object.is(encodeValue(-0, native(name), "c"), 0), `-0 as ${name}`);
    }
    assert.equal(decodeValue(7, native("bigint"), "c"), 7n);
    assert.equal(encodeValue(7, native("bigint"), "c"), 7n);
    assert.equal((decodeValue(-0, native("timestamp"), "c") as Date).getTime(), 0);
  });

  it("varint and decimal beyond double precision, as exact strings", () => {
    assert.equal(roundTrip(123456789012345678901234567890n, "varint"), "123456789012345678901234567890");
    assert.equal(
      roundTrip(types.Integer.fromString("-123456789012345678901234567890"), "varint"),
      "-123456789012345678901234567890",
    );
    assert.equal(
      roundTrip(types.BigDecimal.fromString("1.000000000000000000001"), "decimal"),
      "1.000000000000000000001",
    );
    assert.equal(roundTrip(types.BigDecimal.fromString("1.50"), "decimal"), "1.50");
    assert.equal(roundTrip(decodeValue("-1E+400", native("decimal"), "d"), "decimal"), "-1E+400");
  });

  it("float and double, including NaN, infinities and negative zero", () => {
    assert.equal(roundTrip(Math.fround(0.1), "float"), 0.1);
    assert.equal(roundTrip(Math.fround(3.4028234663852886e38), "float"), 3.4028235e38);
    assert.equal(roundTrip(0.1, "double"), 0.1);
    assert.equal(roundTrip(Number.MAX_VALUE, "double"), Number.MAX_VALUE);
    for (const name of ["float", "double"] as const) {
      assert.equal(roundTrip(NaN, name), "NaN");
      assert.equal(roundTrip(Infinity, name), "Infinity");
      assert.equal(roundTrip(-Infinity, name), "-Infinity");
      assert.equal(roundTrip(-0, name), "-0");
      assert.equal(roundTrip(0, name), 0);
    }
  });

  it("text, ascii, boolean and blob (empty and binary)", () => {
    assert.equal(roundTrip("héllo \u0000 ☃", "text"), "héllo \u0000 ☃");
    assert.equal(roundTrip("", "varchar"), "");
    assert.equal(roundTrip("plain", "ascii"), "plain");
    assert.equal(roundTrip(false, "boolean"), false);
    assert.equal(roundTrip(Buffer.alloc(0), "blob"), "");
    assert.equal(roundTrip(Buffer.from([0, 1, 2, 255, 254]), "blob"), "AAEC//4=");
  });

  it("refuses text that UTF-8 cannot hold (a lone surrogate), and keeps surrogate pairs", () => {
    assert.equal(roundTrip("emoji \u{1F600}", "text"), "emoji \u{1F600}");
    refuses("bad\ud800x", "text", /not valid Unicode: a lone surrogate \\ud800 at character 3/);
    refuses("\udc00", "varchar", /lone surrogate \\udc00 at character 0/);
    refuses("tail\ud83d", "ascii", /ASCII/);
    const list = { kind: "list", element: native("text"), frozen: false } as const;
    assert.throws(() => decodeValue(["ok", "x\udfff"], list, "tags"), /tags\[1\].*lone surrogate/);
  });

  it("dates at the ends of the CQL range, also when the driver holds a bare day count", () => {
    assert.equal(roundTrip(types.LocalDate.fromString("-2147483648"), "date"), "-5877641-06-23");
    assert.equal(roundTrip(types.LocalDate.fromString("2147483647"), "date"), "+5881580-07-11");
    assert.equal(roundTrip(types.LocalDate.fromString("2024-02-29"), "date"), "2024-02-29");
    assert.equal(roundTrip(new types.LocalDate(0, 1, 1), "date"), "0000-01-01");
  });

  it("times, timestamps at the JS Date range ends, uuids, inet and durations", () => {
    assert.equal(roundTrip(types.LocalTime.fromString("00:00:00"), "time"), "00:00:00.000000000");
    assert.equal(roundTrip(types.LocalTime.fromString("23:59:59.999999999"), "time"), "23:59:59.999999999");
    assert.equal(roundTrip(new Date(8.64e15), "timestamp"), "+275760-09-13T00:00:00.000Z");
    assert.equal(roundTrip(new Date(-8.64e15), "timestamp"), "-271821-04-20T00:00:00.000Z");
    assert.equal(roundTrip(new Date(-1), "timestamp"), "1969-12-31T23:59:59.999Z");
    const uuid = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";
    assert.equal(roundTrip(types.Uuid.fromString(uuid.toLowerCase()), "uuid"), uuid.toLowerCase());
    assert.equal(roundTrip(types.TimeUuid.fromString(uuid.toLowerCase()), "timeuuid"), uuid.toLowerCase());
    assert.equal(roundTrip(types.InetAddress.fromString("10.0.0.255"), "inet"), "10.0.0.255");
    assert.equal(
      roundTrip(types.InetAddress.fromString("2001:db8::ff00:42:8329"), "inet"),
      "2001:db8::ff00:42:8329",
    );
    assert.equal(roundTrip(types.Duration.fromString("18mo"), "duration"), "1y6mo");
    assert.equal(
      roundTrip(types.Duration.fromString("-1mo2d3h4m5s6ms7us8ns"), "duration"),
      "-1mo2d3h4m5s6ms7us8ns",
    );
  });

  // Cassandra stores any 128 bits in a uuid, and a timeuuid of version 1 with any variant; a check
  // of RFC 9562's versions and variant (the uuid package's validate) would refuse rows it holds.
  it("uuids of any version and variant, and timeuuids of any variant", () => {
    for (const uuid of [
      "12345678-1234-0234-1234-123456789abc",
      "00000000-0000-0000-0000-000000000001",
      "12345678-1234-f234-c234-123456789abc",
    ]) {
      assert.equal(roundTrip(types.Uuid.fromString(uuid), "uuid"), uuid);
    }
    const timeuuid = "12345678-1234-1234-c234-123456789abc";
    assert.equal(roundTrip(types.TimeUuid.fromString(timeuuid), "timeuuid"), timeuuid);
  });

  it("null and undefined are null both ways", () => {
    assert.equal(encodeValue(null, native("int"), "c"), null);
    assert.equal(encodeValue(undefined, native("text"), "c"), null);
    assert.equal(decodeValue(null, native("uuid"), "c"), null);
  });

  it("refuses a timestamp the driver read as an invalid Date, saying why", () => {
    assert.throws(
      () => encodeValue(new Date(NaN), native("timestamp"), "ts"),
      /outside what the driver can read/,
    );
  });
});

describe("native values: forms other applications write", () => {
  it("canonicalizes numbers written as strings or plain numbers", () => {
    assert.equal(canonicalize("9223372036854775807", native("bigint")), 9223372036854775807n);
    assert.equal(canonicalize(42, native("bigint")), 42n);
    assert.equal(canonicalize("-007", native("int")), -7);
    assert.equal(canonicalize(12345678901234567890n, native("varint")), "12345678901234567890");
    assert.equal(canonicalize(1.5, native("decimal")), "1.5");
    assert.equal(canonicalize("1.5e3", native("decimal")), "1.5E+3");
    assert.equal(canonicalize(1e21, native("decimal")), "1E+21");
    assert.equal(canonicalize("0.1", native("float")), 0.1);
    assert.equal(canonicalize("true", native("boolean")), true);
  });

  it("canonicalizes timestamps with offsets, long fractions or epoch millis", () => {
    const expected = "2024-01-01T08:00:00.500Z";
    assert.equal(canonicalize("2024-01-01T10:00:00.5+02:00", native("timestamp")), expected);
    assert.equal(canonicalize("2024-01-01T08:00:00.500999Z", native("timestamp")), expected);
    assert.equal(canonicalize(Date.UTC(2024, 0, 1, 8, 0, 0, 500), native("timestamp")), expected);
    assert.equal(canonicalize(String(Date.UTC(2024, 0, 1, 8, 0, 0, 500)), native("timestamp")), expected);
    // Four digits alone are a year to the date field (its date-time format comes before epoch_millis).
    assert.equal(canonicalize("2026", native("timestamp")), "2026-01-01T00:00:00.000Z");
    assert.equal(canonicalize(2026, native("timestamp")), "2026-01-01T00:00:00.000Z");
    assert.equal(canonicalize(20260, native("timestamp")), "1970-01-01T00:00:20.260Z");
    // A month, or an hour without minutes, as the date field takes them.
    assert.equal(canonicalize("2026-02", native("timestamp")), "2026-02-01T00:00:00.000Z");
    assert.equal(canonicalize("2026-02-03T10", native("timestamp")), "2026-02-03T10:00:00.000Z");
    assert.equal(canonicalize("2026-02-03T10+01:00", native("timestamp")), "2026-02-03T09:00:00.000Z");
    assert.equal(canonicalize("2024-03-05T00:00:00Z", native("date")), "2024-03-05");
    assert.equal(canonicalize("01:02", native("time")), "01:02:00.000000000");
    assert.equal(canonicalize("P1DT2H", native("duration")), "1d2h");
    assert.equal(canonicalize("2001:DB8::1", native("inet")), "2001:db8::1");
  });
});

describe("native values: refusals name the field and the reason", () => {
  it("calls an object an object, with its article", () => {
    refuses({ a: 1 }, "text", /an object is not a valid text/);
    refuses(new Date(0), "text", /a Date is not a valid text/);
  });

  it("refuses integers out of range or not integral", () => {
    refuses("abc", "int", /"abc" is not a valid int: expected an integer between -2147483648 and 2147483647/);
    refuses(2147483648, "int", /not a valid int/);
    refuses(128, "tinyint", /between -128 and 127/);
    refuses(-32769, "smallint", /between -32768 and 32767/);
    refuses(9223372036854775808n, "bigint", /between -9223372036854775808 and 9223372036854775807/);
    refuses(1.5, "int", /not a valid int/);
    refuses(2 ** 60, "bigint", /not a valid bigint/);
    refuses(2 ** 60, "varint", /not a valid varint/);
    refuses("1e3", "varint", /not a valid varint/);
  });

  it("refuses floats that overflow or vanish, and non-numbers", () => {
    refuses(3.5e38, "float", /magnitude up to 3\.4028235e38/);
    refuses(1e-50, "float", /it would become 0/);
    refuses("1e400", "double", /not a valid double/);
    refuses("nan", "double", /not a valid double/);
    refuses(Infinity, "decimal", /not a valid decimal/);
    refuses("1e-2147483649", "decimal", /scale fits 32 bits/);
  });

  it("refuses malformed text for uuid, timeuuid, inet, dates, times, blobs and durations", () => {
    refuses("not-a-uuid", "uuid", /not a valid uuid/);
    refuses("3f2504e04f8911d39a0c0305e82c3301", "uuid", /not a valid uuid/);
    refuses("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "timeuuid", /version 1 UUID/);
    refuses("300.1.1.1", "inet", /IPv4 or IPv6/);
    refuses("2023-02-29", "date", /ISO date/);
    refuses("+5881580-07-12", "date", /ISO date/);
    refuses(19000, "date", /ISO date/);
    refuses("2024-03-05T10:00:00Z", "date", /ISO date/);
    refuses("24:00:00", "time", /time of day/);
    refuses("+275760-09-13T00:00:00.001Z", "timestamp", /8\.64e15/);
    // Elasticsearch's own parser of base64 (a stored binary field) refuses both as well.
    refuses("AAE", "blob", /base64 text of A-Z, a-z, 0-9, \+ and \/, with its = padding/);
    refuses("AA-_", "blob", /base64 text of A-Z, a-z, 0-9, \+ and \/, with its = padding/);
    refuses("1x", "duration", /duration/);
    refuses("yes", "boolean", /true or false/);
    refuses("é", "ascii", /ASCII/);
    refuses(42, "text", /expected a string/);
  });
});
