import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { native, parseCqlType, type UdtDefinition } from "../../src/core/cql-type.js";
import {
  cqlTypeForMapping,
  DATE_FORMAT,
  esMappingFor,
  TIMESTAMP_FORMAT,
} from "../../src/stores/values/es-mapping.js";
import { ValueError } from "../../src/core/value-error.js";

const udts: Record<string, UdtDefinition> = {
  point: {
    keyspace: "app",
    name: "point",
    fieldNames: ["x", "tags"],
    fieldTypes: ["double", "frozen<list<text>>"],
  },
};

describe("esMappingFor", () => {
  it("maps native types so every canonical value is accepted", () => {
    assert.deepEqual(esMappingFor(native("text")), {
      type: "text",
      fields: { keyword: { type: "keyword", ignore_above: 256 } },
    });
    assert.deepEqual(esMappingFor(native("bigint")), { type: "long" });
    assert.deepEqual(esMappingFor(native("varint")), { type: "double", ignore_malformed: true });
    assert.deepEqual(esMappingFor(native("float")), { type: "float", ignore_malformed: true });
    assert.deepEqual(esMappingFor(native("date")), {
      type: "date",
      format: DATE_FORMAT,
      ignore_malformed: true,
    });
    assert.deepEqual(esMappingFor(native("timestamp")), {
      type: "date",
      format: TIMESTAMP_FORMAT,
      ignore_malformed: true,
    });
    assert.deepEqual(esMappingFor(native("blob")), { type: "binary" });
    assert.deepEqual(esMappingFor(native("inet")), { type: "ip" });
    assert.equal(esMappingFor(native("uuid")).type, "keyword");
    assert.equal(esMappingFor(native("duration")).type, "keyword");
  });

  it("maps collections by element, maps as flattened, tuples as disabled objects and UDTs as objects", () => {
    assert.deepEqual(esMappingFor(parseCqlType("set<int>")), { type: "integer" });
    assert.deepEqual(esMappingFor(parseCqlType("vector<float, 3>")), {
      type: "float",
      ignore_malformed: true,
    });
    assert.deepEqual(esMappingFor(parseCqlType("map<text, int>")), { type: "flattened", ignore_above: 256 });
    assert.deepEqual(esMappingFor(parseCqlType("frozen<tuple<int, text>>")), {
      type: "object",
      enabled: false,
    });
    assert.deepEqual(esMappingFor(parseCqlType("frozen<point>", (n) => udts[n])), {
      type: "object",
      properties: { x: { type: "double", ignore_malformed: true }, tags: esMappingFor(native("text")) },
    });
  });

  it("raises the flattened depth limit for deeply nested maps", () => {
    let deep = "map<text, int>";
    for (let i = 1; i < 24; i++) deep = `map<text, frozen<${deep}>>`;
    assert.equal(esMappingFor(parseCqlType(deep)).type, "flattened");
    assert.deepEqual(esMappingFor(parseCqlType(deep)), {
      type: "flattened",
      ignore_above: 256,
      depth_limit: 24,
    });
  });
});

describe("cqlTypeForMapping", () => {
  it("maps field types to CQL types", () => {
    const cases: [Parameters<typeof cqlTypeForMapping>[0], string][] = [
      [{ type: "keyword" }, "text"],
      [{ type: "text" }, "text"],
      [{ type: "long" }, "bigint"],
      [{ type: "integer" }, "int"],
      [{ type: "short" }, "smallint"],
      [{ type: "byte" }, "tinyint"],
      [{ type: "double" }, "double"],
      [{ type: "float" }, "float"],
      [{ type: "half_float" }, "float"],
      [{ type: "boolean" }, "boolean"],
      [{ type: "date" }, "timestamp"],
      [{ type: "date_nanos" }, "timestamp"],
      [{ type: "binary" }, "blob"],
      [{ type: "ip" }, "inet"],
      [{ type: "unsigned_long" }, "varint"],
      [{ type: "date", format: DATE_FORMAT }, "date"],
    ];
    for (const [mapping, expected] of cases) {
      assert.deepEqual(cqlTypeForMapping(mapping, "f"), { type: parseCqlType(expected), udts: [] }, expected);
    }
    assert.deepEqual(
      cqlTypeForMapping({ type: "dense_vector", dims: 4 }, "v").type,
      parseCqlType("vector<float, 4>"),
    );
  });

  it("turns objects into frozen UDTs, inner ones first, and nested into lists of them", () => {
    const { type, udts: needed } = cqlTypeForMapping(
      { properties: { street: { type: "keyword" }, geo: { properties: { lat: { type: "double" } } } } },
      "address",
      "app",
    );
    assert.deepEqual(
      needed.map((u) => u.name),
      ["address_geo", "address"],
    );
    assert.equal(type.kind === "udt" && type.frozen && type.keyspace === "app", true);
    const nested = cqlTypeForMapping({ type: "nested", properties: { n: { type: "long" } } }, "items");
    assert.equal(nested.type.kind, "list");
    const inner = cqlTypeForMapping(
      { properties: { list: { type: "nested", properties: { n: { type: "long" } } } } },
      "o",
    );
    assert.equal(
      inner.type.kind === "udt" &&
        inner.type.fields[0]?.type.kind === "list" &&
        inner.type.fields[0].type.frozen,
      true,
    );
  });

  it("refuses types without an exact CQL counterpart, saying why", () => {
    const refusals: [Parameters<typeof cqlTypeForMapping>[0], RegExp][] = [
      [{ type: "flattened" }, /flattened holds arbitrary JSON/],
      [{ type: "object", enabled: false }, /is disabled/],
      [{ type: "geo_point" }, /geo_point has no CQL counterpart/],
      [{ type: "object" }, /no properties/],
      [{ type: "dense_vector" }, /no dims/],
    ];
    for (const [mapping, reason] of refusals) {
      assert.throws(
        () => cqlTypeForMapping(mapping, "f"),
        (error: unknown) => error instanceof ValueError && error.path === "f" && reason.test(error.message),
      );
    }
  });
});
