import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideOverDrops } from "../../src/reconcile/dropped-values.js";
import { makeRecord, type CurrentRecord, type SyncRecord } from "../../src/core/record.js";
import type { JsonValue } from "../../src/core/json-value.js";
import { newestOfSource } from "../../src/reconcile/newest-of-source.js";
import type { RecordStore, TimeRange } from "../../src/reconcile/record-store.js";
import type { TablePlan } from "../../src/reconcile/table-plan.js";

const ID = "5b6962dd-3f90-4c93-8f61-eabfa4a803e2";
// n was dropped and added again; the drop hid every value written up to version 100.
const plan = { droppedUntil: new Map([["n", 100n]]) };

function record(version: bigint, content: Record<string, JsonValue>): SyncRecord {
  return makeRecord(ID, version, false, content);
}

function current(version: bigint, content: Record<string, JsonValue>): CurrentRecord {
  return { ...record(version, content), token: undefined };
}

describe("a column dropped and added again", () => {
  it("gives the row the tie where the document holds only a value the drop hid, both ways", () => {
    const row = { name: "a", n: null };
    const document = { name: "a", n: 7 };
    const toEs = decideOverDrops(plan, "to-es", record(90n, row), current(90n, document), "microsecond");
    assert.deepEqual(toEs.decision, { action: "write", reason: "tie-break" });
    const toCassandra = decideOverDrops(
      plan,
      "to-cassandra",
      record(90n, document),
      current(90n, row),
      "microsecond",
    );
    assert.deepEqual(toCassandra.decision, { action: "skip", reason: "tie-lost" });
  });

  it("writes a newer document without the value the drop hid, keeping the row's value set since", () => {
    const written = decideOverDrops(
      plan,
      "to-cassandra",
      record(95n, { name: "b", n: 7 }),
      current(90n, { name: "a", n: 9 }),
      "microsecond",
    );
    assert.deepEqual(written.decision, { action: "write", reason: "newer" });
    assert.deepEqual(written.record.content, { name: "b", n: 9 });
    const absent = decideOverDrops(
      plan,
      "to-cassandra",
      record(95n, { name: "b", n: 7 }),
      undefined,
      "microsecond",
    );
    assert.deepEqual(absent.record.content, { name: "b", n: null });
  });

  it("leaves alone a document holding the row's value, and one dated after the drop", () => {
    const same = decideOverDrops(plan, "to-es", record(90n, { n: 9 }), current(90n, { n: 9 }), "microsecond");
    assert.deepEqual(same.decision, { action: "skip", reason: "unchanged" });
    const later = decideOverDrops(
      plan,
      "to-cassandra",
      record(101n, { n: 7 }),
      current(90n, { n: null }),
      "microsecond",
    );
    assert.deepEqual([later.decision.action, later.record.content], ["write", { n: 7 }]);
  });
});

describe("a versioned table's newest row, with a column dropped and added again", () => {
  it("is written in place of an older row that wins over a document only by the values the drop hid", async () => {
    const newer = record(200n, { name: "b", n: null });
    const source = {
      side: "cassandra",
      fetchCurrent: () => Promise.resolve(new Map([[ID, { ...newer, token: undefined }]])),
    } as unknown as RecordStore;
    const input = {
      plan: { ...plan, shape: "versioned" } as unknown as TablePlan,
      source,
      range: {} as TimeRange,
    };
    const held = new Map([[ID, current(90n, { name: "a", n: 7 })]]);
    const [written] = await newestOfSource(input, [record(90n, { name: "a", n: null })], held, "microsecond");
    assert.equal(written?.version, 200n);
  });
});
