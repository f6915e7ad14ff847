import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/core/errors.js";
import { readTokenRing, tokenRing, tokenSplits } from "../../src/stores/cassandra/token-splits.js";

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

  it("gives each shard as many splits as a whole run has, disjoint, and together the whole ring", () => {
    const shards = [0, 1, 2].map((index) => tokenSplits(10, { index, total: 3 }));
    for (const shard of shards) assert.equal(shard.length, 10);
    const all = shards.flat().sort((a, b) => (a.start < b.start ? -1 : 1));
    assert.deepEqual(all, tokenSplits(30));
    // More shards than splits still leaves no shard empty.
    assert.equal(tokenSplits(1, { index: 7, total: 8 }).length, 1);
  });

  it("refuses a count that is not a positive integer", () => {
    assert.throws(() => tokenSplits(0), /positive integer/);
  });
});

describe("the token ring of the cluster's partitioner", () => {
  it("splits RandomPartitioner's ring, tokens 0 to 2^127, as it splits Murmur3's", () => {
    const ring = tokenRing("org.apache.cassandra.dht.RandomPartitioner");
    assert.ok(ring !== undefined);
    const splits = tokenSplits(4, undefined, ring);
    assert.equal(splits[0]?.start, -1n);
    assert.equal(splits.at(-1)?.end, 2n ** 127n);
    for (let i = 1; i < splits.length; i++) assert.equal(splits[i]?.start, splits[i - 1]?.end);
    const shards = [0, 1].map((index) => tokenSplits(4, { index, total: 2 }, ring));
    assert.deepEqual(
      shards.flat().sort((a, b) => (a.start < b.start ? -1 : 1)),
      tokenSplits(8, undefined, ring),
    );
  });

  it("knows Murmur3Partitioner's, and none whose tokens are not numbers", () => {
    assert.equal(tokenRing("org.apache.cassandra.dht.Murmur3Partitioner")?.max, 2n ** 63n - 1n);
    assert.equal(tokenRing("org.apache.cassandra.dht.ByteOrderedPartitioner"), undefined);
    assert.equal(tokenRing("org.apache.cassandra.dht.OrderPreservingPartitioner"), undefined);
  });

  it("refuses a cluster whose partitioner it cannot split, naming it", async () => {
    const client = {
      execute: () =>
        Promise.resolve({ rows: [{ get: () => "org.apache.cassandra.dht.ByteOrderedPartitioner" }] }),
    };
    await assert.rejects(readTokenRing(client), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /ByteOrderedPartitioner/);
      assert.match(error.message, /Murmur3Partitioner or RandomPartitioner/);
      return true;
    });
  });
});
