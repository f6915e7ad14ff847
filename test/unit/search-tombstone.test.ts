// A document's delete flag is read as Elasticsearch reads a boolean field, and as synced reads a
// boolean column's field: true, false, or the strings "true" and "false". A flag that is none of
// these is refused, saying what it holds.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TablePlan } from "../../src/reconcile/table-plan.js";
import { hitToRecord } from "../../src/stores/search/document-codec.js";

const ID = "7e50f03d-0000-4000-8000-000000000001";
const plan: TablePlan = {
  keyspace: "app",
  table: "notes",
  shape: "versioned",
  timestampType: "timeuuid",
  names: { id: "id", timestamp: "tmstmp", tombstone: "deleted" },
  key: { partition: [{ name: "id", type: { kind: "native", name: "uuid" } }], clustering: [] },
  contentColumns: [{ name: "note", type: { kind: "native", name: "text" } }],
  hasTombstone: true,
  es: { index: "app-notes", idPrefix: "", timestampPrecision: "microsecond" },
};

function read(deleted: unknown): ReturnType<typeof hitToRecord> {
  const source: Record<string, unknown> = { id: ID, tmstmp: "2026-01-01T00:00:00.000000Z", note: "n" };
  if (deleted !== undefined) source["deleted"] = deleted;
  return hitToRecord(plan, { _id: ID, _source: source });
}

describe("a document's delete flag", () => {
  it("is a delete when it is true or the string true, as Elasticsearch indexes both", () => {
    for (const flag of [true, "true"]) {
      const record = read(flag);
      assert.ok(!("kind" in record), "kind" in record ? record.reason : "");
      assert.equal(record.deleted, true, JSON.stringify(flag));
    }
  });

  it("is a live record when it is false, the string false, null or absent", () => {
    for (const flag of [false, "false", null, undefined]) {
      const record = read(flag);
      assert.ok(!("kind" in record), "kind" in record ? record.reason : "");
      assert.equal(record.deleted, false, JSON.stringify(flag));
    }
  });

  it("is refused when it is anything else, naming the field and what it holds", () => {
    for (const [flag, shown] of [
      [1, "1"],
      ["yes", '"yes"'],
      ["TRUE", '"TRUE"'],
      [[true], "[true]"],
    ] as const) {
      const record = read(flag);
      assert.ok("kind" in record, JSON.stringify(flag));
      assert.equal(
        record.reason,
        `tombstone field 'deleted' is ${shown}, not true or false (or "true", "false"): ` +
          "set it to true for a deleted record, false or nothing for a live one",
      );
    }
  });
});
