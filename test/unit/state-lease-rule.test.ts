import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideOnLease, expiryAfter, newLease } from "../../src/state/lease-rule.js";
import { StateError } from "../../src/state/state-errors.js";

const t0 = new Date("2024-05-01T10:00:00.000Z");
const held = newLease("k", "run-a", "host-a:1", 60_000, t0);

describe("decideOnLease", () => {
  it("refuses another owner's lease until it expires", () => {
    assert.equal(decideOnLease(held, "run-b", t0), "refuse");
    assert.equal(decideOnLease(held, "run-b", new Date(t0.getTime() + 59_999)), "refuse");
  });

  it("takes over once the expiry time is reached", () => {
    assert.equal(decideOnLease(held, "run-b", new Date(t0.getTime() + 60_000)), "take-over");
    assert.equal(decideOnLease(held, "run-b", new Date(t0.getTime() + 600_000)), "take-over");
  });

  it("recognises the owner's own live lease, and treats its expired one as stale", () => {
    assert.equal(decideOnLease(held, "run-a", t0), "already-held");
    assert.equal(decideOnLease(held, "run-a", new Date(t0.getTime() + 60_000)), "take-over");
  });
});

describe("newLease", () => {
  it("starts now and ends after the time-to-live", () => {
    assert.deepEqual(held, {
      key: "k",
      owner: "run-a",
      holder: "host-a:1",
      acquiredAt: t0,
      expiresAt: new Date("2024-05-01T10:01:00.000Z"),
    });
  });

  it("refuses a time-to-live that is not a positive whole number of milliseconds", () => {
    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => expiryAfter(t0, ttl), StateError, String(ttl));
    }
  });
});
