import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MIN_MICROS } from "../../src/core/micros.js";
import { EARLIEST_POSITION, nextCheckpoint } from "../../src/state/checkpoint-rule.js";

describe("nextCheckpoint: contiguous coverage", () => {
  it("moves to the range end when the checkpoint lies inside the range", () => {
    assert.equal(nextCheckpoint(150n, 100n, 200n), 200n);
  });

  it("moves when the range starts exactly at the checkpoint", () => {
    assert.equal(nextCheckpoint(100n, 100n, 200n), 200n);
  });

  it("stays when the checkpoint equals the range end, since the range adds nothing past it", () => {
    assert.equal(nextCheckpoint(200n, 100n, 200n), 200n);
  });

  it("never moves back after a backfill over an older range", () => {
    assert.equal(nextCheckpoint(500n, 100n, 200n), 500n);
  });

  it("never moves forward over a gap when the range starts after the checkpoint", () => {
    assert.equal(nextCheckpoint(100n, 101n, 200n), 100n);
    assert.equal(nextCheckpoint(100n, 300n, 400n), 100n);
  });

  it("treats a missing checkpoint as the earliest version: a range from there sets it", () => {
    assert.equal(EARLIEST_POSITION, MIN_MICROS);
    assert.equal(nextCheckpoint(undefined, MIN_MICROS, 200n), 200n);
  });

  it("leaves a missing checkpoint missing when the range starts later, at the epoch too", () => {
    // Records dated before 1970 were not covered by a run from -b 0.
    assert.equal(nextCheckpoint(undefined, 0n, 200n), undefined);
    assert.equal(nextCheckpoint(undefined, MIN_MICROS + 1n, 200n), undefined);
  });

  it("does nothing for an empty range", () => {
    assert.equal(nextCheckpoint(100n, 100n, 100n), 100n);
    assert.equal(nextCheckpoint(undefined, MIN_MICROS, MIN_MICROS), undefined);
  });

  it("keeps microsecond precision beyond 2^53", () => {
    const cp = 9_007_199_254_740_993n;
    assert.equal(nextCheckpoint(cp, cp - 1n, cp + 1n), cp + 1n);
  });
});
