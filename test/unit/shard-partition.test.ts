// Where a shard continues from when its partition (--splits, --slices) changed since its checkpoint.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  carriedStart,
  describePartitionItem,
  partitionItem,
  shardStart,
} from "../../src/reconcile/shard-partition.js";
import type { Checkpoint } from "../../src/state/state-store.js";

const A = { splits: 32, slices: 2 };
const B = { splits: 7, slices: 2 };

function checkpoint(position: bigint, covers?: string[]): Checkpoint {
  return { key: "k", position, updatedAt: new Date(0), runId: "r", ...(covers ? { covers } : {}) };
}
const under = (position: bigint, p: typeof A, ring?: bigint): Checkpoint =>
  checkpoint(position, ["t:to-es", partitionItem(p, ring)]);

describe("shardStart", () => {
  it("continues from its own checkpoint under the partition it was made with", () => {
    const own = under(300n, A);
    const start = shardStart(own, [under(100n, A)], A);
    assert.equal(start.checkpoint, own);
    assert.equal(start.ring, 100n);
    assert.equal(start.notice, undefined);
  });

  it("takes a checkpoint that records no partition as made under this one", () => {
    const own = checkpoint(300n);
    assert.equal(shardStart(own, [checkpoint(100n)], B).checkpoint, own);
  });

  it("moves back to the earliest shard's checkpoint when the partition changed", () => {
    const start = shardStart(under(300n, A), [under(100n, A)], B);
    assert.equal(start.checkpoint?.position, 100n);
    assert.deepEqual(start.checkpoint.covers, ["t:to-es"]);
    assert.match(start.notice ?? "", /made with --splits 32 --slices 2, this run has --splits 7/);
  });

  it("reads from the earliest version where a shard has no checkpoint and none recorded how far all were covered", () => {
    const start = shardStart(under(300n, A), [undefined], B);
    assert.equal(start.checkpoint, undefined);
    assert.match(start.notice ?? "", /earliest version/);
  });

  it("trusts how far every range was covered, as recorded, when the shards' partitions differ", () => {
    // Shard 0 went to B from 100 (where both were under A) and on to 200; shard 1 stayed under A and
    // reached 300. What A gave shard 0 and B gives shard 1 is covered only up to 100.
    const start = shardStart(under(200n, B, 100n), [under(300n, A, 100n)], A);
    assert.equal(start.checkpoint?.position, 100n);
  });

  it("never moves past its own checkpoint", () => {
    assert.equal(shardStart(under(50n, A, 100n), [under(300n, A, 100n)], B).checkpoint?.position, 50n);
  });

  it("says what an item records", () => {
    assert.equal(describePartitionItem(partitionItem(B, undefined)), "--splits 7 --slices 2");
  });
});

describe("carriedStart", () => {
  it("begins where every shard of another count covered its ranges, the furthest such count", () => {
    const start = carriedStart("k.shard-0-of-3", [
      { total: 2, checkpoints: [under(300n, A), under(100n, A)] },
      { total: undefined, checkpoints: [checkpoint(50n, ["t:to-es"])] },
    ]);
    assert.equal(start?.checkpoint?.position, 100n);
    assert.equal(start.checkpoint.key, "k.shard-0-of-3");
    assert.deepEqual(start.checkpoint.covers, ["t:to-es"]);
    assert.equal(start.ring, 100n);
    assert.match(start.notice ?? "", /under --shard i\/2 cover every range up to/);
  });

  it("takes a recorded ring further than the earliest checkpoint", () => {
    const start = carriedStart("k", [{ total: 2, checkpoints: [under(300n, B, 250n), under(100n, A)] }]);
    assert.equal(start?.checkpoint?.position, 250n);
  });

  it("reads from the earliest version where a shard of the other count has no checkpoint", () => {
    const start = carriedStart("k", [{ total: 2, checkpoints: [under(300n, A), undefined] }]);
    assert.equal(start?.checkpoint, undefined);
    assert.match(start?.notice ?? "", /do not cover every range .* earliest version/);
    assert.equal(carriedStart("k", []), undefined);
  });

  it("says of the unsharded key that it has no checkpoint, not that a shard of it has none", () => {
    const start = carriedStart("k.shard-0-of-2", [{ total: undefined, checkpoints: [undefined] }]);
    assert.equal(start?.checkpoint, undefined);
    assert.doesNotMatch(start?.notice ?? "", /a shard of/);
    assert.match(start?.notice ?? "", /the key without --shard has no checkpoint/);
  });
});
