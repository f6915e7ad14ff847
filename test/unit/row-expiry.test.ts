// The time to live a record gets in a table whose rows expire by default: what a row written at its
// version has left, rounded up to whole seconds, and none once that has passed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secondsToLive } from "../../src/stores/cassandra/row-expiry.js";
import { plan } from "../support/memory-stores.js";

const SECOND = 1_000_000n;

describe("secondsToLive", () => {
  const expiring = { ...plan(), defaultTtlSeconds: 100 };
  const at = 1_000_000n * SECOND;
  const now = (): bigint => at;

  it("is what a row written at the version has left, rounded up", () => {
    assert.equal(secondsToLive(expiring, at, now), 100);
    assert.equal(secondsToLive(expiring, at - 40n * SECOND, now), 60);
    assert.equal(secondsToLive(expiring, at - 99n * SECOND - 1n, now), 1);
  });

  it("is at most the longest TTL Cassandra takes, for a record dated ahead of now", () => {
    const longest = { ...plan(), defaultTtlSeconds: 630_720_000 };
    assert.equal(secondsToLive(longest, at + 3600n * SECOND, now), 630_720_000);
  });

  it("is none once a row of the version would have expired", () => {
    assert.equal(secondsToLive(expiring, at - 100n * SECOND, now), 0);
    assert.equal(secondsToLive(expiring, at - 1000n * SECOND, now), 0);
  });

  it("is undefined for a table whose rows do not expire, without reading the clock", () => {
    const clock = (): bigint => assert.fail("the clock was read");
    assert.equal(secondsToLive(plan(), 0n, clock), undefined);
  });
});
