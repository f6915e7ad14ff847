// What a checkpoint covers: each table and direction, with the identities of the index and the table
// it was synced between, so that either made again under its name is read whole.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coveredTable, coverageOf, coverItem } from "../../src/reconcile/coverage.js";
import type { Checkpoint } from "../../src/state/state-store.js";

function checkpoint(covers?: readonly string[]): Checkpoint {
  return {
    key: "app.app",
    position: 1_000n,
    updatedAt: new Date(0),
    runId: "run-0",
    ...(covers === undefined ? {} : { covers }),
  };
}

describe("coverage", () => {
  it("names an item by table, direction and, where known, the sides' identities", () => {
    assert.equal(coverItem("users", "to-es"), "users:to-es");
    assert.equal(coverItem("users", "to-es", { index: "u1" }), "users:to-es@u1");
    assert.equal(coverItem("users", "to-es", { index: "u1", table: "t1" }), "users:to-es@u1/t1");
    assert.equal(coverItem("users", "to-es", { table: "t1" }), "users:to-es@/t1");
    assert.equal(
      coverItem("users", "to-es", { index: "u1", table: "t1", columns: "c1" }),
      "users:to-es@u1/t1/c1",
    );
    assert.equal(coverItem("users", "to-es", { columns: "c1" }), "users:to-es@//c1");
    assert.equal(coveredTable(coverItem("users", "to-es", { index: "u1", table: "t1" })), "users:to-es");
    assert.equal(coveredTable("users:to-es"), "users:to-es");
  });

  it("reads the table of a quoted name that holds the separators", () => {
    const item = coverItem("a:to-es@b", "to-cassandra", { index: "u1", table: "t1" });
    assert.equal(coveredTable(item), "a:to-es@b:to-cassandra");
    const coverage = coverageOf(checkpoint([item]));
    assert.equal(coverage("a:to-es@b", "to-cassandra", { index: "u1", table: "t1" }), "covered");
    assert.equal(coverage("a:to-es@b", "to-cassandra", { index: "u1", table: "t2" }), "other table");
    assert.equal(coverage("a", "to-es", { index: "u1", table: "t1" }), "not covered");
  });

  it("covers a table only between the index and the table it was synced between", () => {
    const coverage = coverageOf(checkpoint(["users:to-es@u1/t1", "users:to-cassandra@u1/t1"]));
    assert.equal(coverage("users", "to-es", { index: "u1", table: "t1" }), "covered");
    assert.equal(coverage("users", "to-cassandra", { index: "u2", table: "t1" }), "other index");
    assert.equal(coverage("users", "to-cassandra", { index: "u1", table: "t2" }), "other table");
    assert.equal(coverage("users", "to-es", { index: "u2", table: "t2" }), "other index");
    assert.equal(coverage("orders", "to-es", { index: "u1", table: "t1" }), "not covered");
    // Where a side cannot be told now (a dry run before the index exists), what was synced stands.
    assert.equal(coverage("users", "to-es", { table: "t1" }), "covered");
    assert.equal(coverage("users", "to-es", {}), "covered");
  });

  it("keeps what earlier versions saved: a part not recorded covers any index or table", () => {
    assert.equal(coverageOf(checkpoint(["users:to-es"]))("users", "to-es", { index: "u9" }), "covered");
    assert.equal(coverageOf(checkpoint())("users", "to-es", { index: "u9", table: "t9" }), "covered");
    const indexOnly = coverageOf(checkpoint(["users:to-es@u1"]));
    assert.equal(indexOnly("users", "to-es", { index: "u1", table: "t9" }), "covered");
    assert.equal(indexOnly("users", "to-es", { index: "u2", table: "t9" }), "other index");
    assert.equal(coverageOf(undefined)("users", "to-es", { index: "u1" }), "not covered");
  });

  // Tried as an operator would: a column taken back into the sync by the config file reached only the
  // documents of records changed since, as the checkpoint covered the table under other settings.
  it("covers a table only under the column choice it was synced with", () => {
    const coverage = coverageOf(checkpoint(["users:to-es@u1/t1/c1"]));
    assert.equal(coverage("users", "to-es", { index: "u1", table: "t1", columns: "c1" }), "covered");
    assert.equal(coverage("users", "to-es", { index: "u1", table: "t1", columns: "c2" }), "other columns");
    // Another index or table says more than other settings do.
    assert.equal(coverage("users", "to-es", { index: "u2", table: "t1", columns: "c2" }), "other index");
    assert.equal(coverage("users", "to-es", { index: "u1", table: "t1" }), "covered");
    // A checkpoint saved before the column choice was recorded covers the table under any settings.
    const before = coverageOf(checkpoint(["users:to-es@u1/t1"]));
    assert.equal(before("users", "to-es", { index: "u1", table: "t1", columns: "c2" }), "covered");
  });
});
