// Collections, tuples, UDTs and vectors: nesting, nulls, key forms, ordering and refusals.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { parseJsonLossless, stableStringify } from "../../src/core/canonical-json.js";
import { parseCqlType, type CqlType, type UdtDefinition } from "../../src/core/cql-type.js";
import { canonicalize, decodeValue } from "../../src/stores/values/decode.js";
import { encodeValue } from "../../src/stores/values/encode.js";
import { CqlMap } from "../../src/stores/values/cql-map.js";
import { CASSANDRA_ENCODING } from "../../src/stores/values/driver-options.js";
import { isEmptyCollectionBytes } from "../../src/stores/values/empty-collection.js";
import { ValueError } from "../../src/core/value-error.js";

const { types } = cassandra;
const udts: Record<string, UdtDefinition> = {
  address: {
    keyspace: "app",
    name: "address",
    fieldNames: ["street", "zip", "tags", "__proto__"],
    fieldTypes: ["text", "int", "frozen<set<text>>", "text"],
  },
};
const type = (text: string): CqlType => parseCqlType(text, (name) => udts[name]);

function roundTrip(value: unknown, text: string): unknown {
  const encoded = encodeValue(value, type(text), "col");
  const decoded = decodeValue(parseJsonLossless(stableStringify(encoded)), type(text), "col");
  assert.deepEqual(encodeValue(decoded, type(text), "col"), encoded);
  return encoded;
}

function refuses(json: unknown, text: string, path: string, reason: RegExp): void {
  assert.throws(
    () => decodeValue(json, type(text), "col"),
    (error: unknown) => error instanceof ValueError && error.path === path && reason.test(error.message),
  );
}

describe("collections", () => {
  it("encodes lists in order, and sets sorted and without duplicates", () => {
    assert.deepEqual(roundTrip([3, 1, 3], "list<int>"), [3, 1, 3]);
    assert.deepEqual(roundTrip(new Set([10, 2, 1]), "set<int>"), [1, 2, 10]);
    assert.deepEqual(roundTrip(new Set(["b", "a"]), "set<text>"), ["a", "b"]);
    assert.deepEqual(roundTrip([5n, -(2n ** 63n)], "set<bigint>"), [-(2n ** 63n), 5n]);
    assert.deepEqual(canonicalize([2, "1", 1, 2], type("set<int>")), [1, 2]);
    assert.deepEqual(roundTrip([NaN, 1.5, -Infinity], "set<double>"), ["-Infinity", "NaN", 1.5]);
  });

  it("treats an empty non-frozen collection as null", () => {
    assert.equal(encodeValue([], type("list<int>"), "c"), null);
    assert.equal(encodeValue(new Map(), type("map<text, int>"), "c"), null);
    assert.equal(decodeValue([], type("set<text>"), "c"), null);
    assert.equal(decodeValue({}, type("map<int, int>"), "c"), null);
    assert.equal(canonicalize([], type("list<int>")), null);
  });

  it("keeps an empty frozen collection as a value, bound as its bytes", () => {
    assert.deepEqual(encodeValue([], type("frozen<list<int>>"), "c"), []);
    assert.deepEqual(encodeValue(new Set(), type("frozen<set<text>>"), "c"), []);
    assert.deepEqual(encodeValue(new Map(), type("frozen<map<text, int>>"), "c"), {});
    for (const [json, text] of [
      [[], "frozen<list<int>>"],
      [[], "frozen<set<text>>"],
      [{}, "frozen<map<int, int>>"],
    ] as const) {
      const bound = decodeValue(json, type(text), "c");
      assert.ok(isEmptyCollectionBytes(bound), text);
      assert.deepEqual(encodeValue(bound, type(text), "c"), json, text);
      assert.deepEqual(canonicalize(json, type(text)), json, text);
    }
  });

  it("keys maps by the canonical string of the key, and turns it back", () => {
    const key = types.Uuid.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    assert.deepEqual(roundTrip(new Map([[key, 1]]), "map<uuid, int>"), {
      "3f2504e0-4f89-11d3-9a0c-0305e82c3301": 1,
    });
    assert.deepEqual(
      roundTrip(
        new Map([
          [-5, "x"],
          [7, "y"],
        ]),
        "map<int, text>",
      ),
      { "-5": "x", "7": "y" },
    );
    assert.deepEqual(roundTrip(new Map([[new Date(0), true]]), "map<timestamp, boolean>"), {
      "1970-01-01T00:00:00.000Z": true,
    });
    assert.deepEqual(roundTrip(new Map([[Buffer.from([255]), 1.5]]), "map<blob, double>"), { "/w==": 1.5 });
    const tupleKey = types.Tuple.fromArray([9007199254740993n, "a"]);
    assert.deepEqual(roundTrip(new Map([[tupleKey, 1]]), "map<frozen<tuple<bigint, text>>, int>"), {
      '[9007199254740993,"a"]': 1,
    });
    assert.deepEqual(roundTrip(new Map([["__proto__", 1]]), "map<text, int>"), JSON.parse('{"__proto__":1}'));
    const decoded = decodeValue({ "1": 2 }, type("map<int, bigint>"), "c");
    assert.deepEqual(decoded, new CqlMap([[1, 2n]]));
  });

  it("nests collections inside collections", () => {
    const value = new Map([
      ["a", [1, 2]],
      ["b", [3]],
    ]);
    assert.deepEqual(roundTrip(value, "map<text, frozen<list<int>>>"), { a: [1, 2], b: [3] });
    assert.deepEqual(roundTrip([new Set(["x"]), new Set(["y", "z"])], "list<frozen<set<text>>>"), [
      ["x"],
      ["y", "z"],
    ]);
  });

  it("keeps an empty collection inside a collection, as the bytes of an empty value", () => {
    const decoded = decodeValue({ a: [], b: [1] }, type("map<text, frozen<list<int>>>"), "col") as Map<
      string,
      unknown
    >;
    assert.equal(isEmptyCollectionBytes(decoded.get("a")), true);
    assert.deepEqual(canonicalize({ a: [], b: [1] }, type("map<text, frozen<list<int>>>")), {
      a: [],
      b: [1],
    });
    assert.deepEqual(canonicalize([{ x: 1 }, {}], type("set<frozen<map<text, int>>>")), [{ x: 1 }, {}]);
    assert.deepEqual(canonicalize({ "[]": "none" }, type("map<frozen<list<int>>, text>")), { "[]": "none" });
    assert.deepEqual(roundTrip(new Map([["a", []]]), "map<text, frozen<list<int>>>"), { a: [] });
    assert.deepEqual(roundTrip([[], [2]], "list<frozen<list<int>>>"), [[], [2]]);
  });

  it("refuses nulls and repeated keys inside collections", () => {
    refuses([1, null], "list<int>", "col[1]", /cannot hold null/);
    refuses({ a: null }, "map<text, int>", 'col["a"]', /cannot hold null/);
    refuses({ "[]": 1, "[ ]": 2 }, "map<frozen<list<int>>, int>", 'col["[ ]"]', /repeats/);
    refuses({ "1": 1, "01": 2 }, "map<int, int>", 'col["01"]', /repeats/);
    refuses({ x: 1 }, "map<int, int>", 'col["x"]', /not a valid int/);
    refuses(["a", 1], "list<text>", "col[1]", /expected a string/);
    refuses({ "[1": 1 }, "map<frozen<list<int>>, int>", 'col["[1"]', /written as JSON/);
  });

  it("refuses decimals of one value in a set or as map keys, which Cassandra holds once", () => {
    const once = /is the same (element|key) as .* to Cassandra, which compares decimals by value/;
    refuses(["1000", "1E+3"], "set<decimal>", "col[1]", /1E\+3 is the same element as 1000 /);
    refuses(["1.0", "2", "1.00"], "frozen<set<decimal>>", "col[2]", once);
    refuses(["-0.00", "0"], "set<decimal>", "col[1]", once);
    refuses([["1.0"], ["1.00"]], "set<frozen<list<decimal>>>", "col[1]", once);
    refuses({ "1.0": "a", "1.00": "b" }, "map<decimal, text>", 'col["1.00"]', /1.00 is the same key as 1.0 /);
    refuses({ '["1.0"]': 1, '["1.00"]': 2 }, "map<frozen<set<decimal>>, int>", 'col["[\\"1.00\\"]"]', once);
    // The same decimal twice is one element, as any repeated element is; a list keeps both.
    assert.deepEqual(canonicalize(["1.0", "1.0", "1.00E+1"], type("set<decimal>")), ["1.0", "10.0"]);
    assert.deepEqual(canonicalize(["1.0", "1.00"], type("list<decimal>")), ["1.0", "1.00"]);
    assert.deepEqual(canonicalize({ "1.0": ["1.0", "1.00"] }, type("map<decimal, frozen<list<decimal>>>")), {
      "1.0": ["1.0", "1.00"],
    });
  });

  it("reads an IPv4-mapped address in a list, set or map as the IPv4 one Cassandra keeps there", () => {
    assert.deepEqual(canonicalize(["::ffff:1.2.3.4"], type("list<inet>")), ["1.2.3.4"]);
    assert.deepEqual(canonicalize(["::FFFF:1.2.3.4", "::ffff:1.2.3.4"], type("set<inet>")), ["1.2.3.4"]);
    assert.deepEqual(canonicalize(["::ffff:1.2.3.4"], type("frozen<set<inet>>")), ["1.2.3.4"]);
    assert.deepEqual(canonicalize({ "::ffff:1.2.3.4": "::ffff:5.6.7.8" }, type("map<inet, inet>")), {
      "1.2.3.4": "5.6.7.8",
    });
    // A row holding the 16 bytes in a collection all the same (a CQL literal) is copied so too.
    const mapped = types.InetAddress.fromString("::ffff:1.2.3.4");
    assert.deepEqual(encodeValue([mapped, types.InetAddress.fromString("1.2.3.4")], type("set<inet>"), "c"), [
      "1.2.3.4",
    ]);
    assert.deepEqual(encodeValue(new Map([[1, mapped]]), type("map<int, inet>"), "c"), { "1": "1.2.3.4" });
    // A column, a tuple's element and a UDT's field keep the 16 bytes, and so does Cassandra.
    assert.equal(canonicalize("::ffff:1.2.3.4", type("inet")), "::ffff:1.2.3.4");
    assert.deepEqual(canonicalize([["::ffff:1.2.3.4"]], type("list<frozen<tuple<inet>>>")), [
      ["::ffff:1.2.3.4"],
    ]);
    assert.deepEqual(canonicalize(["::1"], type("list<inet>")), ["::1"]);
  });

  // Cassandra holds both spellings in a list, set or map as one IPv4 address: a document's set of both
  // was compared equal to the row's one element, and a map keyed by both refused as a key repeated.
  it("refuses an IPv4-mapped address beside its IPv4 one in a set or as map keys, which Cassandra holds once", () => {
    const once =
      /(\S+) is the same (element|key) as (\S+) to Cassandra, which keeps an IPv4-mapped address in a list, set or map as the IPv4 one: write it once$/;
    refuses(
      ["::FFFF:1.2.3.4", "1.2.3.4"],
      "set<inet>",
      "col[1]",
      /: 1\.2\.3\.4 is the same element as ::ffff:1\.2\.3\.4 /,
    );
    refuses(["1.2.3.4", "::ffff:1.2.3.4"], "frozen<set<inet>>", "col[1]", once);
    refuses([["1.2.3.4"], ["::ffff:1.2.3.4"]], "set<frozen<list<inet>>>", "col[1]", once);
    refuses([["1.2.3.4", "::ffff:1.2.3.4"]], "list<frozen<set<inet>>>", "col[0][1]", once);
    refuses(
      { "1.2.3.4": 1, "::ffff:1.2.3.4": 2 },
      "map<inet, int>",
      'col["::ffff:1.2.3.4"]',
      /: ::ffff:1\.2\.3\.4 is the same key as 1\.2\.3\.4 to Cassandra/,
    );
    // The same spelling twice is one element, and a key repeated as itself is named so.
    refuses(
      { "::ffff:1.2.3.4": 1, "::FFFF:1.2.3.4": 2 },
      "map<inet, int>",
      'col["::FFFF:1.2.3.4"]',
      /repeats/,
    );
    assert.deepEqual(canonicalize(["1.2.3.4", "1.2.3.4"], type("set<inet>")), ["1.2.3.4"]);
  });

  it("keeps an IPv4-mapped address in a collection inside a tuple or a UDT, as Cassandra does", () => {
    // Cassandra keeps the 16 bytes anywhere inside a tuple or a UDT, in a collection there too, and
    // the IPv4 one in a collection held by a collection.
    const mapped = types.InetAddress.fromString("::ffff:1.2.3.4");
    const inTuple = "tuple<inet, frozen<list<inet>>>";
    assert.deepEqual(canonicalize(["::ffff:1.2.3.4", ["::ffff:1.2.3.4"]], type(inTuple)), [
      "::ffff:1.2.3.4",
      ["::ffff:1.2.3.4"],
    ]);
    const bound = decodeValue([null, ["::ffff:1.2.3.4"]], type(inTuple), "c") as cassandra.types.Tuple;
    assert.equal((bound.get(1) as cassandra.types.InetAddress[])[0]?.getBuffer().length, 16);
    assert.deepEqual(encodeValue(types.Tuple.fromArray([null, [mapped]]), type(inTuple), "c"), [
      null,
      ["::ffff:1.2.3.4"],
    ]);
    udts["hosts"] = {
      keyspace: "app",
      name: "hosts",
      fieldNames: ["set"],
      fieldTypes: ["frozen<set<inet>>"],
    };
    assert.deepEqual(canonicalize({ set: ["::ffff:1.2.3.4", "1.2.3.4"] }, type("frozen<hosts>")), {
      set: ["1.2.3.4", "::ffff:1.2.3.4"],
    });
    assert.deepEqual(encodeValue([{ set: [mapped] }], type("list<frozen<hosts>>"), "c"), [
      { set: ["::ffff:1.2.3.4"] },
    ]);
    assert.deepEqual(
      canonicalize({ a: [["::ffff:1.2.3.4"]] }, type("map<text, frozen<list<tuple<frozen<set<inet>>>>>>")),
      {
        a: [[["::ffff:1.2.3.4"]]],
      },
    );
    const keyed = "tuple<map<frozen<list<inet>>, int>>";
    assert.deepEqual(canonicalize([{ '["::ffff:1.2.3.4"]': 1, '["1.2.3.4"]': 2 }], type(keyed)), [
      { '["1.2.3.4"]': 2, '["::ffff:1.2.3.4"]': 1 },
    ]);
    assert.deepEqual(canonicalize([["::ffff:1.2.3.4"]], type("list<frozen<list<inet>>>")), [["1.2.3.4"]]);
  });

  it("accepts a single value for a list of scalars, as Elasticsearch does", () => {
    assert.deepEqual(canonicalize("x", type("list<text>")), ["x"]);
    refuses(5, "list<frozen<list<int>>>", "col", /expected an array/);
  });
});

describe("-0.0 beside 0.0 in a set or as a map key", () => {
  // Cassandra holds them as two elements or keys; a JS Set or Map takes them for one, and keeps 0.
  const { dataTypes } = types;
  const setOfDoubles = { code: dataTypes.set, info: { code: dataTypes.double } } as const;
  const mapOfFloats = {
    code: dataTypes.map,
    info: [{ code: dataTypes.float }, { code: dataTypes.text }],
  } as const;
  // The driver's own encoder, which its typings leave out: the one a Client with these options uses.
  const { Encoder } = cassandra as unknown as {
    Encoder: new (
      version: number,
      options: object,
    ) => { encode(value: unknown, info: object): Buffer; decode(bytes: Buffer, info: object): unknown };
  };
  const driver = new Encoder(4, { encoding: CASSANDRA_ENCODING });
  /** The driver value bound for a document's field, written as bytes and read back as a row's. */
  function throughCassandra(json: unknown, text: string, info: object): unknown {
    const bound = decodeValue(json, type(text), "col");
    return driver.decode(driver.encode(bound, info), info);
  }

  it("reads both from a row, and writes them both back", () => {
    const read = throughCassandra(["-0", 0, 1.5], "set<double>", setOfDoubles);
    assert.deepEqual(encodeValue(read, type("set<double>"), "col"), ["-0", 0, 1.5]);
    const keys = throughCassandra({ "-0": "minus zero", "0": "zero" }, "map<float, text>", mapOfFloats);
    assert.deepEqual(encodeValue(keys, type("map<float, text>"), "col"), { "-0": "minus zero", "0": "zero" });
    const alone = throughCassandra({ "-0": "minus zero" }, "map<float, text>", mapOfFloats);
    assert.deepEqual(encodeValue(alone, type("map<float, text>"), "col"), { "-0": "minus zero" });
  });

  it("keeps a -0 key apart in every way a Map is read", () => {
    const map = new CqlMap<number, string>([
      [0, "zero"],
      [-0, "minus zero"],
    ]);
    assert.equal(map.size, 2);
    assert.equal(map.get(-0), "minus zero");
    assert.equal(map.get(0), "zero");
    assert.ok(map instanceof Map);
    assert.deepEqual(
      [...map.keys()].map((key) => Object.is(key, -0)),
      [true, false],
    );
    const seen: string[] = [];
    map.forEach((value) => seen.push(value));
    assert.deepEqual(seen, ["minus zero", "zero"]);
    assert.equal(map.delete(-0), true);
    assert.deepEqual([...map], [[0, "zero"]]);
  });
});

describe("tuples", () => {
  it("are positional arrays that keep nulls", () => {
    const text = "frozen<tuple<int, text, frozen<list<int>>>>";
    assert.deepEqual(roundTrip(types.Tuple.fromArray([1, null, [2]]), text), [1, null, [2]]);
    assert.deepEqual(roundTrip(types.Tuple.fromArray([null, null, null]), text), [null, null, null]);
    // An element is frozen: an empty list there is a value, apart from null.
    assert.deepEqual(roundTrip(types.Tuple.fromArray([null, "a", []]), text), [null, "a", []]);
    assert.deepEqual(canonicalize([1, null, []], type(text)), [1, null, []]);
  });

  it("refuse the wrong arity", () => {
    refuses([1, "a"], "frozen<tuple<int, text, int>>", "col", /expected an array of 3/);
    refuses([1, "a", 2, 3], "frozen<tuple<int, text, int>>", "col", /expected an array of 3/);
    refuses([1, 2], "frozen<tuple<int, text>>", "col[1]", /expected a string/);
  });
});

describe("UDTs", () => {
  it("are objects by field name with null fields left out", () => {
    const value = { street: "Main", zip: null, tags: new Set(["b", "a"]) };
    const encoded = roundTrip(value, "frozen<address>");
    assert.deepEqual(encoded, { street: "Main", tags: ["a", "b"] });
    const decoded = decodeValue({ street: "x" }, type("frozen<address>"), "c") as Record<string, unknown>;
    assert.deepEqual(Object.keys(decoded), ["street", "zip", "tags", "__proto__"]);
    assert.equal(decoded["zip"], null);
  });

  it("keep a field named __proto__ as a field", () => {
    const encoded = canonicalize(JSON.parse('{"__proto__": "p"}'), type("frozen<address>"));
    assert.equal(Object.getPrototypeOf(encoded), Object.prototype);
    assert.equal(stableStringify(encoded), '{"__proto__":"p"}');
  });

  it("are empty objects when frozen with all fields null, and null otherwise", () => {
    assert.deepEqual(encodeValue({ street: null }, type("frozen<address>"), "c"), {});
    assert.equal(encodeValue({ street: null }, type("address"), "c"), null);
  });

  it("keep a field holding an empty collection, frozen or not", () => {
    for (const text of ["frozen<address>", "address"]) {
      assert.deepEqual(encodeValue({ tags: [] }, type(text), "c"), { tags: [] }, text);
      assert.deepEqual(canonicalize({ tags: [] }, type(text)), { tags: [] }, text);
    }
  });

  it("refuse unknown fields and wrongly typed fields", () => {
    refuses({ street: "x", city: "y" }, "frozen<address>", "col.city", /address has no field "city"/);
    refuses({ zip: "abc" }, "frozen<address>", "col.zip", /not a valid int/);
    refuses([1], "frozen<address>", "col", /expected an object/);
    // A value nested two deep is named by its whole path, made only once it is refused.
    refuses({ k: { zip: "abc" } }, "map<text, frozen<address>>", 'col["k"].zip', /not a valid int/);
    refuses([[1], [2, "x"]], "list<frozen<list<int>>>", "col[1][1]", /not a valid int/);
    assert.throws(
      () => encodeValue([[1], [2, null]], type("list<frozen<list<int>>>"), "c"),
      (error: unknown) => error instanceof ValueError && error.path === "c[1][1]",
    );
  });
});

describe("vectors", () => {
  it("are arrays of the exact dimension", () => {
    const vector = new types.Vector(new Float32Array([0.1, NaN, -0]), "float");
    assert.deepEqual(roundTrip(vector, "vector<float, 3>"), [0.1, "NaN", "-0"]);
    const decoded = decodeValue([1, 2, 3], type("vector<float, 3>"), "c");
    assert.ok(decoded instanceof types.Vector);
    assert.deepEqual(roundTrip(new types.Vector(["a", "b"], "text"), "vector<text, 2>"), ["a", "b"]);
  });

  it("refuse the wrong dimension and nulls", () => {
    refuses([1, 2], "vector<float, 3>", "col", /expected an array of 3/);
    refuses([1, null, 3], "vector<float, 3>", "col[1]", /cannot hold null/);
  });
});
