import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideOnLease, expiryAfter, newLease } from "../../src/state/lease-rule.js";
import { LeaseLostError, StateError } from "../../src/state/state-errors.js";
import { MemoryStateStore } from "../support/memory-stores.js";
import { holderIsGone, holderName, type ThisProcess } from "../../src/state/lease-holder.js";

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

describe("a live lease whose holder is gone", () => {
  const live = newLease("k", "run-a", "web-1:41:pidns7", 60_000, t0);

  it("is taken over at once when the rule is told its holder is gone, and refused otherwise", () => {
    assert.equal(
      decideOnLease(live, "run-b", t0, () => true),
      "take-over",
    );
    assert.equal(
      decideOnLease(live, "run-b", t0, () => false),
      "refuse",
    );
    assert.equal(
      decideOnLease(live, "run-a", t0, () => true),
      "already-held",
    );
  });
});

describe("lease holders", () => {
  const alive = new Set([7, 41]);
  const me: ThisProcess = { host: "web-1", pid: 7, namespace: "pidns9", exists: (pid) => alive.has(pid) };

  it("are named host:pid:namespace, or host:pid where there is no namespace to read", () => {
    assert.equal(holderName(me), "web-1:7:pidns9");
    assert.equal(holderName({ ...me, namespace: undefined }), "web-1:7");
  });

  it("are gone only on this host, in this namespace, with no such process", () => {
    assert.equal(holderIsGone("web-1:12:pidns9", me), true);
    assert.equal(holderIsGone("web-1:41:pidns9", me), false, "the process exists");
    assert.equal(holderIsGone("web-1:7:pidns9", me), false, "this very process");
    assert.equal(holderIsGone("web-2:12:pidns9", me), false, "another host");
    assert.equal(holderIsGone("web-1:12:pidns8", me), false, "another container on this host");
    assert.equal(holderIsGone("web-1:12", me), false, "an older holder without a namespace");
    assert.equal(holderIsGone("web-1:12:pidns9", { ...me, namespace: undefined }), false);
    for (const odd of ["web-1:0:pidns9", "web-1:-3:pidns9", "web-1:x:pidns9", ":12:pidns9", "pidns9"]) {
      assert.equal(holderIsGone(odd, me), false, odd);
    }
  });

  it("name this process, which is not gone", () => {
    assert.equal(holderIsGone(holderName()), false);
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

// The engine's unit tests run over an in-memory state store; it must decide as the real backends do.
describe("the in-memory state store of the engine tests", () => {
  const later = (ms: number): Date => new Date(t0.getTime() + ms);

  it("keeps its own live lease unchanged, and reports whose lease it took over", async () => {
    const state = new MemoryStateStore();
    const first = await state.acquireLease("k", "run-a", "host-a:1", 60_000, t0);
    assert.ok(first.acquired);
    assert.deepEqual(await state.acquireLease("k", "run-a", "host-a:1", 60_000, later(1000)), first);
    assert.deepEqual(await state.acquireLease("k", "run-b", "host-b:1", 60_000, later(59_999)), {
      acquired: false,
      heldBy: first.lease,
    });
    const taken = await state.acquireLease("k", "run-b", "host-b:1", 60_000, later(60_000));
    assert.ok(taken.acquired);
    assert.deepEqual(taken.tookOverFrom, first.lease);
  });

  it("renews only a lease that is still its owner's, and refuses a time-to-live the rule refuses", async () => {
    const state = new MemoryStateStore();
    const first = await state.acquireLease("k", "run-a", "host-a:1", 60_000, t0);
    assert.ok(first.acquired);
    await assert.rejects(state.renewLease(first.lease, 0, t0), StateError);
    await state.acquireLease("k", "run-b", "host-b:1", 60_000, later(60_000));
    await assert.rejects(state.renewLease(first.lease, 60_000, later(60_001)), LeaseLostError);
  });
});
