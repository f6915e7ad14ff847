// /healthz of synced watch: a run that goes on finishing batches stays healthy however long it takes
// (a first backfill of hours), and one that finishes none for --stalled-after fails the probe.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { stallBoundWarning, WatchHealth } from "../../src/cli/watch-health.js";

function clocked(stalledAfterMs: number): { health: WatchHealth; pass: (ms: number) => void } {
  let now = Date.parse("2026-12-07T10:00:00.000Z");
  return {
    health: new WatchHealth(stalledAfterMs, () => now),
    pass: (ms) => {
      now += ms;
    },
  };
}

describe("WatchHealth", () => {
  it("stays ok through a long run that keeps finishing batches", () => {
    const { health, pass } = clocked(60_000);
    health.started();
    for (let i = 0; i < 120; i++) {
      pass(30_000);
      health.progressed();
    }
    const { status, body } = health.answer();
    assert.equal(status, 200);
    assert.equal(body["status"], "ok");
    assert.deepEqual(body["running"], {
      since: "2026-12-07T10:00:00.000Z",
      lastProgressAt: "2026-12-07T11:00:00.000Z",
    });
  });

  it("fails once the run finished no batch for longer than the bound, saying since when", () => {
    const { health, pass } = clocked(60_000);
    health.started();
    pass(10_000);
    health.progressed();
    pass(60_000);
    assert.equal(health.answer().status, 200, "at the bound, not yet past it");
    pass(1500);
    const { status, body } = health.answer();
    assert.equal(status, 503);
    assert.equal(body["status"], "stalled");
    assert.equal(
      body["reason"],
      "the run begun at 2026-12-07T10:00:00.000Z has shown no progress for 1m2s, longer than " +
        "--stalled-after 1m: a store that keeps the connection but stops answering, or a lock never " +
        "granted, holds it; its log tells its last step",
    );
  });

  it("keeps the process alive while runs fail, and not once a run stalls", () => {
    const { health, pass } = clocked(1000);
    health.started();
    health.ended(EXIT.unreachable);
    assert.equal(health.answer().status, 503);
    assert.deepEqual(health.alive(), {
      status: 200,
      body: {
        status: "ok",
        runs: 1,
        lastExit: EXIT.unreachable,
        lastEndedAt: "2026-12-07T10:00:00.000Z",
        failingSince: "2026-12-07T10:00:00.000Z",
      },
    });
    health.started();
    pass(2000);
    const { status, body } = health.alive();
    assert.equal(status, 503);
    assert.equal(body["status"], "stalled");
  });

  it("reports the last run once the stalled one ends, and fails while runs fail", () => {
    const { health, pass } = clocked(1000);
    health.started();
    pass(5000);
    assert.equal(health.answer().body["status"], "stalled");
    health.ended(EXIT.unreachable);
    const failing = health.answer();
    assert.equal(failing.status, 503);
    assert.deepEqual(failing.body, {
      status: "failing",
      runs: 1,
      lastExit: EXIT.unreachable,
      lastEndedAt: "2026-12-07T10:00:05.000Z",
      failingSince: "2026-12-07T10:00:05.000Z",
    });
    health.started();
    health.ended(EXIT.partial);
    assert.deepEqual(health.answer(), {
      status: 200,
      body: { status: "ok", runs: 2, lastExit: EXIT.partial, lastEndedAt: "2026-12-07T10:00:05.000Z" },
    });
  });

  // A run that retries a store through its restart finishes no batch for up to --retry-window, and a
  // request may take a minute before it: a shorter --stalled-after has a liveness probe restart it.
  it("warns of a --stalled-after a run riding through a store's restart would pass", () => {
    const warning = stallBoundWarning(120_000, 60_000) ?? "";
    assert.match(warning, /^--stalled-after 2m is not above --retry-window 1m plus a minute/);
    assert.match(warning, /give --stalled-after more than 2m/);
    assert.equal(stallBoundWarning(121_000, 60_000), undefined);
    assert.equal(stallBoundWarning(600_000, 60_000), undefined);
    assert.match(stallBoundWarning(600_000, 3_600_000) ?? "", /--retry-window 1h/);
  });
});
