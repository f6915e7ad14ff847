// synced status names each covered table once, grouped by direction: tried as an operator would with a
// keyspace of 150 tables, the covers line listed 300 table:direction items.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coveredTablesText } from "../../src/cli/covered-tables.js";
import { partitionItem } from "../../src/reconcile/shard-partition.js";

describe("coveredTablesText", () => {
  it("names each table once, those covered both ways first, then those covered one way", () => {
    const covers = [
      "users:to-es@uuid-1/tid-1/abc",
      "users:to-cassandra@uuid-1/tid-1/abc",
      "orders:to-cassandra@uuid-2/tid-2/abc",
      "orders:to-es@uuid-2/tid-2/abc",
      "late:to-es@uuid-3",
      "back:to-cassandra",
      '"odd:name":to-es',
      partitionItem({ splits: 32, slices: 2 }, undefined),
    ];
    assert.equal(
      coveredTablesText(covers),
      'orders, users (both directions); back (to-cassandra); "odd:name", late (to-es)',
    );
  });

  it("says nothing is covered when the checkpoint covers no table", () => {
    assert.equal(coveredTablesText([]), "nothing");
    assert.equal(coveredTablesText([partitionItem({ splits: 32, slices: 2 }, 7n)]), "nothing");
  });
});
