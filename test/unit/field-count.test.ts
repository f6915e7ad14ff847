// An index's fields counted as the cluster counts them against index.mapping.total_fields.limit: the
// mapping below is the one that, tried on Elasticsearch 8 (with its runtime field) and OpenSearch 2
// (without), took exactly its count as a limit and refused one field more.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldLimit, mappedFieldCount, propertiesCount } from "../../src/stores/search/field-count.js";

const properties = {
  id: { type: "keyword" },
  tmstmp: { type: "date" },
  name: { type: "text", fields: { keyword: { type: "keyword" } } },
  obj: { properties: { a: { type: "long" } } },
  n: { type: "nested", properties: { b: { type: "keyword" } } },
  al: { type: "alias", path: "id" },
};

describe("the fields an index maps, as its field limit counts them", () => {
  it("counts each field, object, nested object, multi-field and alias", () => {
    assert.equal(mappedFieldCount({ properties }), 9);
  });

  it("counts each runtime field", () => {
    assert.equal(mappedFieldCount({ runtime: { r: { type: "keyword" } }, properties }), 10);
  });

  it("counts nothing for an empty mapping", () => {
    assert.equal(mappedFieldCount({}), 0);
  });

  it("cannot tell where OpenSearch's derived fields or a field with fields of its own is mapped", () => {
    assert.equal(mappedFieldCount({ derived: { d: { type: "keyword" } }, properties }), undefined);
    assert.equal(propertiesCount({ s: { type: "semantic_text" } }), undefined);
    assert.equal(mappedFieldCount("not a mapping"), undefined);
  });

  it("counts what a run would map as the index would", () => {
    // A text column maps two fields: the text and its keyword.
    assert.equal(
      propertiesCount({
        note: { type: "text", fields: { keyword: { type: "keyword" } } },
        port: { type: "integer" },
      }),
      3,
    );
  });

  it("reads the limit, 1,000 where the index keeps the default", () => {
    assert.equal(fieldLimit(undefined), 1000);
    assert.equal(fieldLimit("12"), 12);
    assert.equal(fieldLimit("many"), undefined);
  });
});
