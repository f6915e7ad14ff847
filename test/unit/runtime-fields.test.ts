// Runtime fields read from _source are fields documents hold; computed ones and shadowed ones are not.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withSourceRuntimeFields } from "../../src/stores/search/runtime-fields.js";

describe("runtime fields as mapped fields", () => {
  it("maps one without a script as a field of its type, and leaves out computed, dotted and shadowed ones", () => {
    const properties = { id: { type: "keyword" }, note: { type: "text" } };
    const runtime = {
      points: { type: "long" },
      seen: { type: "date", format: "epoch_millis" },
      doubled: { type: "long", script: { source: "emit(doc['points'].value * 2)" } },
      "a.b": { type: "keyword" },
      note: { type: "keyword" },
      parts: { type: "composite", script: { source: "" }, fields: { x: { type: "long" } } },
    };
    assert.deepEqual(withSourceRuntimeFields(properties, runtime), {
      id: { type: "keyword" },
      note: { type: "text" },
      points: { type: "long" },
      seen: { type: "date", format: "epoch_millis" },
    });
  });

  it("keeps the properties as they are without a runtime section", () => {
    const properties = { id: { type: "keyword" } };
    assert.equal(withSourceRuntimeFields(properties, undefined), properties);
  });
});
