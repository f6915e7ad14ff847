import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { quoteIdentifier } from "../../src/core/cql-identifier.js";
import {
  formatCqlType,
  formatCreateType,
  parseCqlType,
  type CqlType,
  type UdtDefinition,
  type UdtLookup,
} from "../../src/core/cql-type.js";
import { ValueError } from "../../src/core/value-error.js";

const definitions: Record<string, UdtDefinition> = {
  Addr: { keyspace: "app", name: "Addr", fieldNames: ["street", "Zip"], fieldTypes: ["text", "int"] },
  outer: {
    keyspace: "app",
    name: "outer",
    fieldNames: ["a", "t"],
    fieldTypes: ['frozen<"Addr">', "frozen<tuple<int, text>>"],
  },
  loop: { keyspace: "app", name: "loop", fieldNames: ["self"], fieldTypes: ["frozen<loop>"] },
};
const lookup: UdtLookup = (name, keyspace) =>
  keyspace === undefined || keyspace === "app" ? definitions[name] : undefined;

describe("parseCqlType", () => {
  it("reads native types, case-insensitively", () => {
    assert.deepEqual(parseCqlType("int"), { kind: "native", name: "int" });
    assert.deepEqual(parseCqlType(" TimeUUID "), { kind: "native", name: "timeuuid" });
  });

  it("reads nested collections with their frozen flags", () => {
    assert.deepEqual(parseCqlType("map<text, frozen<list<int>>>"), {
      kind: "map",
      key: { kind: "native", name: "text" },
      value: { kind: "list", element: { kind: "native", name: "int" }, frozen: true },
      frozen: false,
    });
    assert.deepEqual(parseCqlType("frozen<set<uuid>>"), {
      kind: "set",
      element: { kind: "native", name: "uuid" },
      frozen: true,
    });
  });

  it("reads tuples (always frozen) and vectors", () => {
    assert.deepEqual(parseCqlType("frozen<tuple<int, text, frozen<list<int>>>>"), {
      kind: "tuple",
      elements: [
        { kind: "native", name: "int" },
        { kind: "native", name: "text" },
        { kind: "list", element: { kind: "native", name: "int" }, frozen: true },
      ],
    });
    assert.deepEqual(parseCqlType("vector<float, 3>"), {
      kind: "vector",
      element: { kind: "native", name: "float" },
      dimension: 3,
    });
  });

  it("resolves quoted, frozen, qualified and nested UDTs through the lookup", () => {
    const addr: CqlType = {
      kind: "udt",
      keyspace: "app",
      name: "Addr",
      fields: [
        { name: "street", type: { kind: "native", name: "text" } },
        { name: "Zip", type: { kind: "native", name: "int" } },
      ],
      frozen: false,
    };
    assert.deepEqual(parseCqlType('"Addr"', lookup), addr);
    assert.deepEqual(parseCqlType('frozen<app."Addr">', lookup), { ...addr, frozen: true });
    const outer = parseCqlType("frozen<outer>", lookup);
    assert.equal(
      outer.kind === "udt" && outer.fields[0]?.type.kind === "udt" && outer.fields[0].type.frozen,
      true,
    );
  });

  it("refuses unknown names, custom types, bad syntax and runaway recursion with the path", () => {
    const refusals: [string, RegExp][] = [
      ["address", /unknown type "address"/],
      ['"Addr"', /unknown type "Addr"/],
      ["'org.apache.cassandra.db.marshal.DynamicCompositeType'", /custom types/],
      ["map<int>", /expected ","/],
      ["list<int", /expected ">"/],
      ["frozen<int>", /frozen<> applies/],
      ["vector<float, 0>", /positive dimension/],
      ["int int", /unexpected "int"/],
    ];
    for (const [text, reason] of refusals) {
      assert.throws(
        () => parseCqlType(text, undefined, "col"),
        (error: unknown) => error instanceof ValueError && error.path === "col" && reason.test(error.message),
        text,
      );
    }
    assert.throws(() => parseCqlType("loop", lookup), /nests too deeply/);
  });
});

describe("formatCqlType", () => {
  it("prints valid CQL that parses back to the same type", () => {
    for (const text of [
      "map<text, frozen<list<int>>>",
      "frozen<map<int, text>>",
      "list<frozen<tuple<int, int>>>",
      "frozen<tuple<int, text, frozen<list<int>>>>",
      "vector<float, 3>",
      "set<timeuuid>",
      'frozen<"Addr">',
      '"Addr"',
    ]) {
      assert.equal(formatCqlType(parseCqlType(text, lookup)), text);
    }
  });

  it("prints CREATE TYPE with quoted names where needed", () => {
    const addr = parseCqlType('"Addr"', lookup);
    assert.equal(addr.kind, "udt");
    assert.equal(formatCreateType(addr), 'CREATE TYPE IF NOT EXISTS app."Addr" (street text, "Zip" int)');
  });

  it("quotes identifiers that are not plain lower-case names or that are keywords", () => {
    assert.equal(quoteIdentifier("street"), "street");
    assert.equal(quoteIdentifier("Zip"), '"Zip"');
    assert.equal(quoteIdentifier("select"), '"select"');
    assert.equal(quoteIdentifier('a"b'), '"a""b"');
  });
});
