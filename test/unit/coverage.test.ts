// What a checkpoint covers: each table and direction, with the identity of the index it was synced
// with, so that an index made again under its name is read whole.
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
  it("names an item by table, direction and, where known, the index's identity", () => {
    assert.equal(coverItem("users", "to-es"), "users:to-es");
    assert.equal(coverItem("users", "to-es", "u1"), "users:to-es@u1");
    assert.equal(coveredTable(coverItem("users", "to-es", "u1")), "users:to-es");
    assert.equal(coveredTable("users:to-es"), "users:to-es");
  });

  it("covers a table only in the index it was synced with", () => {
    const coverage = coverageOf(checkpoint(["users:to-es@u1", "users:to-cassandra@u1"]));
    assert.equal(coverage("users", "to-es", "u1"), "covered");
    assert.equal(coverage("users", "to-cassandra", "u2"), "other index");
    assert.equal(coverage("orders", "to-es", "u1"), "not covered");
    // Where the index cannot be told now (a dry run before it exists), what was synced stands.
    assert.equal(coverage("users", "to-es", undefined), "covered");
  });

  it("keeps what earlier versions saved: an item without identity, or no list at all, covers any index", () => {
    assert.equal(coverageOf(checkpoint(["users:to-es"]))("users", "to-es", "u9"), "covered");
    assert.equal(coverageOf(checkpoint())("users", "to-es", "u9"), "covered");
    assert.equal(coverageOf(undefined)("users", "to-es", "u1"), "not covered");
  });
});
