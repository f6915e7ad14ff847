// Cassandra's size estimates scaled to the whole ring: a node reports its own primary ranges only.
// The real table's figures are read in test/integration/read-ratio.test.ts and estimates.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ringPartitions } from "../../src/stores/cassandra/size-estimates.js";

const MIN = "-9223372036854775808";
const MAX = "9223372036854775807";

describe("a table's partitions from one node's size estimates", () => {
  it("sums the ranges of a node that owns the whole ring, the last wrapping past the largest token", () => {
    const ranges = [
      { start: MIN, end: "0", partitions: 600 },
      { start: "0", end: MIN, partitions: 400 },
    ];
    assert.equal(ringPartitions(ranges), 1000);
  });

  it("scales up the ranges of a node that owns a third of the ring", () => {
    const third = 2n ** 64n / 3n;
    const start = -(2n ** 63n);
    const ranges = [{ start: String(start), end: String(start + third), partitions: 500 }];
    assert.equal(ringPartitions(ranges), 1500);
  });

  it("counts a range that wraps around the ring by its width", () => {
    // (MAX - 99, MIN + 100]: 200 tokens of the ring, wrapping past the largest.
    const ranges = [{ start: String(2n ** 63n - 100n), end: String(-(2n ** 63n) + 100n), partitions: 1 }];
    assert.equal(ringPartitions(ranges), Math.round(Number(2n ** 64n) / 200));
  });

  it("takes a node's figure as it is for another partitioner's tokens", () => {
    const ranges = [{ start: "0", end: String(2n ** 100n), partitions: 70 }];
    assert.equal(ringPartitions(ranges), 70);
    assert.equal(ringPartitions([{ start: "a1", end: "b2", partitions: 30 }]), 30);
  });

  it("has no figure where the node estimated nothing yet", () => {
    assert.equal(ringPartitions([]), undefined);
    assert.equal(ringPartitions([{ start: MIN, end: MAX, partitions: 0 }]), undefined);
  });
});
