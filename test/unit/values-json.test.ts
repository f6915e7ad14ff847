// Canonical JSON text, digests, lossless parsing and the Elasticsearch client serializer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errors } from "@elastic/elasticsearch";
import { LosslessSerializer } from "../../src/stores/elasticsearch/serializer.js";
import { hasLongNumberRun } from "../../src/core/number-literal.js";
import { canonicalEqual, parseJsonLossless, stableStringify } from "../../src/core/canonical-json.js";
import type { JsonValue } from "../../src/core/json-value.js";
import { makeRecord } from "../../src/core/record.js";
import { recordDigest } from "../../src/reconcile/record.js";

describe("stableStringify", () => {
  it("sorts keys at every depth, leaves out null-valued keys and keeps nulls in arrays", () => {
    assert.equal(stableStringify({ b: 1, a: { d: null, c: [null, 2] } }), '{"a":{"c":[null,2]},"b":1}');
  });

  it("writes bigints as exact number literals", () => {
    assert.equal(
      stableStringify({ n: 9223372036854775807n, m: -(2n ** 63n) }),
      '{"m":-9223372036854775808,"n":9223372036854775807}',
    );
  });

  it("refuses numbers that JSON cannot hold", () => {
    assert.throws(() => stableStringify(NaN), /no JSON form/);
  });

  it("gives a record the same digest for the same content in any key order, and another otherwise", () => {
    const digest = (content: Record<string, JsonValue>, deleted = false): string =>
      recordDigest(makeRecord("a", 1n, deleted, content));
    const a = digest({ x: 1, y: "z" });
    assert.equal(a, digest({ y: "z", x: 1 }));
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, digest({ x: 2, y: "z" }));
    assert.notEqual(a, digest({ x: 1, y: "z" }, true));
  });
});

describe("canonicalEqual", () => {
  // Values built to collide: key order, null-valued keys, a bigint and a number of one integer, a
  // string of digits, nested arrays and objects.
  const pool: JsonValue[] = [
    null,
    0,
    -0,
    12,
    12n,
    "12",
    1e21,
    10n ** 21n,
    0.1,
    true,
    false,
    "",
    [],
    [null],
    [1, "a"],
    ["a", 1],
    {},
    { a: null },
    { a: 1, b: [2, { c: 3n }] },
    { b: [2, { c: 3 }], a: 1 },
    { b: [2, { c: 3, d: null }], a: 1 },
    { a: 1, b: [2, { c: "3" }] },
  ];

  it("agrees with comparing the canonical text, for every pair", () => {
    for (const a of pool) {
      for (const b of pool) {
        const expected = stableStringify(a) === stableStringify(b);
        assert.equal(canonicalEqual(a, b), expected, `${stableStringify(a)} vs ${stableStringify(b)}`);
      }
    }
  });
});

describe("parseJsonLossless", () => {
  it("reads integers beyond 2^53 as bigint and everything else as JSON.parse does", () => {
    const parsed = parseJsonLossless(
      '{"big":9223372036854775807,"neg":-9007199254740993,"safe":9007199254740991,"f":0.30000001192092896,"e":1e21,"s":"12345678901234567890"}',
    );
    assert.deepEqual(parsed, {
      big: 9223372036854775807n,
      neg: -9007199254740993n,
      safe: 9007199254740991,
      f: 0.30000001192092896,
      e: 1e21,
      s: "12345678901234567890",
    });
  });

  it("keeps __proto__ as an own key and the last of duplicate keys", () => {
    const parsed = parseJsonLossless('{"__proto__":{"x":1},"k":1,"k":2}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.keys(parsed), ["__proto__", "k"]);
    assert.equal(parsed["k"], 2);
  });
});

describe("LosslessSerializer", () => {
  const serializer = new LosslessSerializer();

  it("serializes bigints exactly, and plain objects as JSON.stringify does", () => {
    assert.equal(
      serializer.serialize({ a: 1, b: [true, null], c: "x" }),
      JSON.stringify({ a: 1, b: [true, null], c: "x" }),
    );
    assert.equal(
      serializer.serialize({ n: 9223372036854775807n, d: new Date(0) }),
      '{"n":9223372036854775807,"d":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it("serializes bulk bodies with bigints line by line", () => {
    const body = serializer.ndserialize([{ index: { _id: "1" } }, { n: -(2n ** 63n) }, '{"raw":1}']);
    assert.equal(body, '{"index":{"_id":"1"}}\n{"n":-9223372036854775808}\n{"raw":1}\n');
  });

  it("deserializes big integers exactly, and ordinary text on the fast path", () => {
    assert.deepEqual(serializer.deserialize('{"hits":[{"n":-9223372036854775808}]}'), {
      hits: [{ n: -(2n ** 63n) }],
    });
    assert.deepEqual(serializer.deserialize('{"n":123,"s":"abc"}'), { n: 123, s: "abc" });
    assert.deepEqual(serializer.deserialize('{"s":"1234567890123456789"}'), { s: "1234567890123456789" });
  });

  it("reports bad JSON and circular objects as the client's errors", () => {
    assert.throws(() => serializer.deserialize('{"n":12345678901234567890'), errors.DeserializationError);
    assert.throws(() => serializer.deserialize("{nope"), errors.DeserializationError);
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    assert.throws(() => serializer.serialize(circular), errors.SerializationError);
  });

  it("finds a run of 16 digits and dots wherever it lies, as a regular expression would", () => {
    let state = 7;
    const next = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 16) % n;
    };
    for (let trial = 0; trial < 20_000; trial++) {
      // Digits, mostly, so that runs of every length near 16 turn up at every alignment.
      const char = (): string => (next(8) === 0 ? "x" : next(12) === 0 ? "." : String(next(10)));
      const text = Array.from({ length: next(70) }, char).join("");
      assert.equal(hasLongNumberRun(text), /[\d.]{16}/.test(text), text);
    }
    assert.equal(hasLongNumberRun("1".repeat(16)), true);
    assert.equal(hasLongNumberRun("1".repeat(15)), false);
    assert.equal(hasLongNumberRun("1234567890.12345"), true);
    assert.equal(hasLongNumberRun(`${"1".repeat(15)}x${"1".repeat(15)}`), false);
  });

  it("keeps the prototype-poisoning protection on the slow path", () => {
    const guarded = new LosslessSerializer({ enablePrototypePoisoningProtection: true });
    assert.throws(
      () => guarded.deserialize('{"__proto__":{"n":12345678901234567890}}'),
      errors.DeserializationError,
    );
  });
});
