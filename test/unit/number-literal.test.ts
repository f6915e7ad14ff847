import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJsonLossless, stableStringify } from "../../src/core/canonical-json.js";
import { native } from "../../src/core/cql-type.js";
import { NumberLiteral, readNumberLiteral } from "../../src/core/number-literal.js";
import { toJsonText } from "../../src/stores/search/json-text.js";
import { canonicalize } from "../../src/stores/values/decode.js";

describe("number literals a double would change", () => {
  it("reads a literal without 16 digits as JSON.parse does, whichever path reads it", () => {
    for (const literal of ["0.1", "1.50", "1e3", "-2.5E-7", "1e400", "-1e-400", "123456789012345.6"]) {
      assert.deepEqual(readNumberLiteral(literal), JSON.parse(literal), literal);
    }
  });

  it("writes a literal back as it was read, in a body of other values too", () => {
    const text =
      '{"exact":12345678901234567.891,"list":[-1.0000000000000001e-330,2.5],"n":12345678901234567890}';
    assert.equal(toJsonText(parseJsonLossless(text) as Record<string, unknown>), text);
    assert.equal(toJsonText({ a: 0.5, b: "c" }), '{"a":0.5,"b":"c"}');
  });

  it("reads a double's own digits as the double, and other long literals as written", () => {
    assert.equal(readNumberLiteral(String(Math.PI)), Math.PI);
    assert.equal(readNumberLiteral("0.10000000000000000"), 0.1);
    assert.deepEqual(readNumberLiteral("0.10000000000000001"), new NumberLiteral("0.10000000000000001"));
    assert.equal(readNumberLiteral("12345678901234567890"), 12345678901234567890n);
  });

  it("keeps the literal through the lossless parse and the canonical JSON", () => {
    const text = '{"amount":12345678901234567.891,"ratio":0.9031896779911714}';
    const parsed = parseJsonLossless(text) as Record<string, unknown>;
    assert.deepEqual(parsed["amount"], new NumberLiteral("12345678901234567.891"));
    assert.equal(parsed["ratio"], 0.9031896779911714);
    assert.equal(stableStringify(parsed as never), text);
  });

  it("gives a decimal or varint column the literal exactly, and a double the nearest double", () => {
    const literal = new NumberLiteral("12345678901234567.891");
    assert.equal(canonicalize(literal, native("decimal")), "12345678901234567.891");
    assert.equal(canonicalize(literal, native("double")), 12345678901234568);
    assert.equal(
      canonicalize(new NumberLiteral("1.2345678901234567891e30"), native("varint")),
      "1234567890123456789100000000000",
    );
    assert.throws(
      () => canonicalize(literal, native("varint")),
      /12345678901234567\.891 is not a valid varint/,
    );
    assert.throws(
      () => canonicalize(literal, native("bigint")),
      /12345678901234567\.891 is not a valid bigint/,
    );
  });

  it("refuses a number beyond the double's range for a double, naming it as written", () => {
    assert.throws(
      () => canonicalize(new NumberLiteral("1.0000000000000000e400"), native("double"), "d"),
      /1\.0000000000000000e400 is not a valid double: expected a magnitude up to 1\.7976931348623157e308/,
    );
    assert.throws(
      () => canonicalize(Infinity, native("decimal"), "amount"),
      /a number beyond ±1\.7976931348623157e308 is not a valid decimal: it reads as Infinity; write it as a string/,
    );
    assert.throws(
      () => canonicalize(-Infinity, native("float"), "f"),
      /not a valid float: it reads as Infinity/,
    );
  });

  it("is a number, not an object, to a map or a user-defined type", () => {
    const literal = new NumberLiteral("12345678901234567.891");
    const map = { kind: "map", key: native("text"), value: native("text"), frozen: false } as const;
    assert.throws(() => canonicalize(literal, map, "tags"), /not a valid map/);
  });
});
