import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ceilDiv } from "../../src/core/micros.js";
import { coarser, compareVersions, millisecondBound, truncate } from "../../src/core/version.js";

describe("version comparison", () => {
  it("compares microseconds exactly when both sides keep them", () => {
    assert.equal(compareVersions(1_000_001n, 1_000_000n, "microsecond"), 1);
    assert.equal(compareVersions(1_000_000n, 1_000_001n, "microsecond"), -1);
    assert.equal(compareVersions(5n, 5n, "microsecond"), 0);
  });

  it("truncates both sides to milliseconds when one side keeps only milliseconds", () => {
    assert.equal(compareVersions(1_000_999n, 1_000_000n, "millisecond"), 0);
    assert.equal(compareVersions(1_001_000n, 1_000_999n, "millisecond"), 1);
  });

  it("truncates pre-epoch versions downwards", () => {
    assert.equal(truncate(-1n, "millisecond"), -1000n);
    assert.equal(truncate(-1000n, "millisecond"), -1000n);
    assert.equal(truncate(-1001n, "millisecond"), -2000n);
  });

  it("picks the coarser of two precisions", () => {
    assert.equal(coarser("microsecond", "millisecond"), "millisecond");
    assert.equal(coarser("microsecond", "microsecond"), "microsecond");
  });

  it("bounds a microsecond range by the milliseconds whose versions lie inside it", () => {
    // [1500 µs, 3000 µs) holds the millisecond versions 2 only: ceil(1.5) = 2 <= m < ceil(3) = 3.
    assert.deepEqual([millisecondBound(1500n), millisecondBound(3000n)], [2n, 3n]);
    assert.equal(millisecondBound(-1500n), -1n);
    assert.equal(ceilDiv(-1n, 1000n), 0n);
  });
});
