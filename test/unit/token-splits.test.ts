import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tokenSplits } from "../../src/stores/cassandra/token-splits.js";

describe("tokenSplits", () => {
  it("covers the whole ring with contiguous splits", () => {
    for (const count of [1, 2, 3, 32, 1000]) {
      const splits = tokenSplits(count);
      assert.equal(splits.length, count);
      assert.equal(splits[0]?.start, -(2n ** 63n));
      assert.equal(splits.at(-1)?.end, 2n ** 63n - 1n);
      for (let i = 1; i < splits.length; i++) assert.equal(splits[i]?.start, splits[i - 1]?.end);
    }
  });

  it("gives each shard a disjoint share, and all shards together every split", () => {
    const all = tokenSplits(10).map((s) => s.start);
    const shards = [0, 1, 2].map((index) => tokenSplits(10, { index, total: 3 }).map((s) => s.start));
    assert.deepEqual(
      shards.flat().sort((a, b) => (a < b ? -1 : 1)),
      all,
    );
    assert.equal(new Set(shards.flat()).size, all.length);
  });

  it("refuses a count that is not a positive integer", () => {
    assert.throws(() => tokenSplits(0), /positive integer/);
  });
});
