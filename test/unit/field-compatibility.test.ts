import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NATIVE_NAMES, native, parseCqlType } from "../../src/core/cql-type.js";
import { fieldTypeConflict } from "../../src/core/field-compatibility.js";
import { MAP_FIELD_TYPE } from "../../src/stores/search/mapping.js";
import { esMappingFor } from "../../src/stores/values/es-mapping.js";

describe("fieldTypeConflict", () => {
  it("refuses a field of another family in either direction", () => {
    assert.match(fieldTypeConflict(native("text"), "long") ?? "", /needs a text or keyword field/);
    assert.match(fieldTypeConflict(native("bigint"), "text") ?? "", /needs a numeric field/);
    assert.match(fieldTypeConflict(native("bigint"), "keyword") ?? "", /numeric/);
    assert.match(fieldTypeConflict(native("boolean"), "integer") ?? "", /boolean field/);
    assert.match(fieldTypeConflict(native("text"), "date") ?? "", /text or keyword/);
    assert.match(fieldTypeConflict(native("text"), "ip") ?? "", /text or keyword/);
    assert.match(fieldTypeConflict(native("timestamp"), "long") ?? "", /date or date_nanos/);
    assert.match(fieldTypeConflict(parseCqlType("map<text, int>"), "keyword") ?? "", /object/);
    assert.match(fieldTypeConflict(native("text"), "object") ?? "", /text or keyword/);
  });

  it("accepts another type of the same family, as dynamic mapping and older indices have them", () => {
    assert.equal(fieldTypeConflict(native("int"), "long"), undefined);
    assert.equal(fieldTypeConflict(native("double"), "long"), undefined);
    assert.equal(fieldTypeConflict(native("bigint"), "float"), undefined);
    assert.equal(fieldTypeConflict(native("text"), "keyword"), undefined);
    assert.equal(fieldTypeConflict(native("uuid"), "text"), undefined);
    assert.equal(fieldTypeConflict(native("date"), "date_nanos"), undefined);
    assert.equal(fieldTypeConflict(parseCqlType("map<text, int>"), "object"), undefined);
    assert.equal(fieldTypeConflict(parseCqlType("list<bigint>"), "long"), undefined);
    assert.equal(fieldTypeConflict(parseCqlType("set<text>"), "keyword"), undefined);
  });

  it("accepts a text field for a column a document holds as strings", () => {
    for (const name of ["varint", "decimal", "timestamp", "date", "blob", "inet"] as const) {
      assert.equal(fieldTypeConflict(native(name), "text"), undefined, name);
      assert.equal(fieldTypeConflict(parseCqlType(`list<${name}>`), "keyword"), undefined, name);
    }
  });

  it("does not judge a field type it does not know", () => {
    assert.equal(fieldTypeConflict(native("text"), "geo_point"), undefined);
    assert.equal(fieldTypeConflict(parseCqlType("vector<float, 3>"), "dense_vector"), undefined);
  });

  it("accepts the field type synced itself maps each column type to", () => {
    const types = [
      ...NATIVE_NAMES.map(native),
      parseCqlType("list<int>"),
      parseCqlType("map<text, frozen<list<int>>>"),
      parseCqlType("tuple<int, text>"),
      parseCqlType("vector<float, 2>"),
    ];
    for (const type of types) {
      const mapped = esMappingFor(type).type ?? "object";
      assert.equal(fieldTypeConflict(type, mapped), undefined, `${JSON.stringify(type)} as ${mapped}`);
    }
    assert.equal(fieldTypeConflict(parseCqlType("map<text, int>"), MAP_FIELD_TYPE), undefined);
  });
});
