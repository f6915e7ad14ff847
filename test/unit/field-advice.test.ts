// The advice a document field without a column gets follows the field's mapping where the index maps
// it, and never sends the user to --create-columns for a field it makes no column of.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adviceForLetters, fieldAdvice, fieldKind } from "../../src/core/field-advice.js";

describe("fieldKind", () => {
  it("follows the mapping where the index maps the field, else the name and the value", () => {
    assert.equal(fieldKind("m", { a: "b" }, { type: "flattened", creatable: false }), "map");
    assert.equal(fieldKind("m", { a: "b" }, { type: "flat_object", creatable: false }), "map");
    assert.equal(fieldKind("g", { lat: 1, lon: 2 }, { type: "geo_point", creatable: false }), "no type");
    assert.equal(fieldKind("o", { a: 1 }, { type: "object", creatable: false }), "by hand");
    assert.equal(fieldKind("n", [{ a: 1 }], { type: "nested", creatable: false }), "by hand");
    assert.equal(fieldKind("k", "x", { type: "keyword", creatable: true }), "creatable");
    assert.equal(fieldKind("_k", "x", { type: "keyword", creatable: false }), "reserved");
    assert.equal(fieldKind("o", { a: 1 }), "by hand");
    assert.equal(fieldKind("a.b", "x"), "by hand");
    assert.equal(fieldKind("k", "x"), "creatable");
  });
});

describe("fieldAdvice", () => {
  it("names a map column for a flattened field, and no user-defined type", () => {
    const advice = fieldAdvice(
      ["m"],
      { m: { a: "b" } },
      new Map([["m", { type: "flat_object", creatable: false }]]),
    );
    assert.match(advice, /no column for a flat_object field.*map<text, text>/);
    assert.doesNotMatch(advice, /user-defined type|run with --create-columns/);
  });

  it("gives each field its own advice when they differ, a map type's name included", () => {
    const mapped = new Map([
      ["g", { type: "geo_point", creatable: false }],
      ["c", { type: "keyword", creatable: true }],
    ]);
    const advice = fieldAdvice(["g", "c"], { g: "1,2", c: "red" }, mapped);
    assert.match(
      advice,
      /^for 'g': no CQL type holds a geo_point field.*include setting.*; for 'c': add the column \(or run with --create-columns\)/,
    );
  });
});

describe("adviceForLetters", () => {
  it("is undefined only where --create-columns makes the column", () => {
    assert.equal(adviceForLetters("c", { type: "keyword", creatable: true }), undefined);
    assert.equal(adviceForLetters("c"), undefined);
    const map = adviceForLetters("m", { type: "flattened", creatable: false }) ?? "";
    assert.match(map, /map<text, text>.* and replay the letters, or remove the field$/);
    const geo = adviceForLetters("g", { type: "geo_point", creatable: false }) ?? "";
    assert.doesNotMatch(geo, /run with --create-columns|replay this letter/);
  });
});
