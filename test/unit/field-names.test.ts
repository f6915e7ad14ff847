// The refusal of a table whose columns' fields no document may hold: each column is named, with the
// fixes. Tried as an operator would, a table with two such columns ("_id" and "_source") was told to
// drop the first alone, and refused again for the second after doing so.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unusableFields } from "../../src/reconcile/field-names.js";
import { handPlan } from "../support/table-plan.js";

const plan = (columns: Parameters<typeof handPlan>[0]["columns"]) =>
  handPlan({ keyspace: "app", table: "meta", index: "app-meta", columns });

describe("unusableFields", () => {
  it("drops every column it can in one statement where several are refused", () => {
    const reason = unusableFields(plan({ _id: "text", _source: "text", n: "int" })) ?? "";
    assert.match(reason, /column _id: its field '_id' starts with _/);
    assert.match(reason, /column _source: its field '_source' starts with _/);
    assert.match(reason, /ALTER TABLE app\.meta DROP \("_id", "_source"\)/);
  });

  it("drops a single column without parentheses", () => {
    const reason = unusableFields(plan({ _source: "text", n: "int" })) ?? "";
    assert.match(reason, /ALTER TABLE app\.meta DROP "_source"\)/);
  });

  it("refuses nothing where every field can be held", () => {
    assert.equal(unusableFields(plan({ source: "text", n: "int" })), undefined);
  });
});
