// Keeping the lease: renewed every third of its time to live, a failed renewal tried again while the
// lease still holds, and the run stopped when the lease is gone or about to lapse.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { keepLease } from "../../src/reconcile/lease-keeper.js";
import { LeaseLostError, StateError } from "../../src/state/state-errors.js";
import type { Lease, StateStore } from "../../src/state/state-store.js";

const TTL = 60_000;

/** A state store whose renewals answer as each test says, on a clock the test moves. */
class Renewals {
  clock = 0;
  calls = 0;
  answer: (lease: Lease) => Promise<Lease> = (lease) => Promise.resolve(this.renewed(lease));

  /** Renewals answer only when the returned function is called. */
  unanswered(): (lease: Lease) => void {
    let answer: ((lease: Lease) => void) | undefined;
    this.answer = () =>
      new Promise<Lease>((resolve) => {
        answer = resolve;
      });
    return (lease) => answer?.(lease);
  }

  renewed(lease: Lease): Lease {
    return { ...lease, expiresAt: new Date(this.clock + TTL) };
  }

  store(): StateStore {
    return {
      renewLease: (lease: Lease) => {
        this.calls++;
        return this.answer(lease);
      },
    } as unknown as StateStore;
  }
}

const lease: Lease = {
  key: "k",
  owner: "run-a",
  holder: "host:1",
  acquiredAt: new Date(0),
  expiresAt: new Date(TTL),
};

describe("keepLease", () => {
  let renewals: Renewals;
  let run: AbortController;

  beforeEach(() => {
    mock.timers.enable({ apis: ["setInterval"] });
    renewals = new Renewals();
    run = new AbortController();
  });
  afterEach(() => {
    mock.timers.reset();
  });

  /** Moves the clock and the timers on, then lets the renewal's answer arrive. */
  async function advance(ms: number): Promise<void> {
    renewals.clock += ms;
    mock.timers.tick(ms);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  function keep(): { stop: () => Promise<Lease> } {
    return keepLease(renewals.store(), lease, TTL, run, () => renewals.clock);
  }

  it("renews every third of the time to live", async () => {
    const keeper = keep();
    await advance(19_999);
    assert.equal(renewals.calls, 0);
    await advance(1);
    await advance(20_000);
    await advance(20_000);
    assert.equal(renewals.calls, 3);
    assert.equal(run.signal.aborted, false);
    await keeper.stop();
  });

  it("tries a failed renewal again while the lease holds, and goes on when it succeeds", async () => {
    const keeper = keep();
    renewals.answer = () => Promise.reject(new StateError("the state store timed out", {}));
    await advance(20_000);
    assert.equal(run.signal.aborted, false);
    renewals.answer = (l) => Promise.resolve(renewals.renewed(l));
    await advance(20_000);
    await advance(20_000);
    await advance(20_000);
    assert.equal(renewals.calls, 4);
    assert.equal(run.signal.aborted, false);
    await keeper.stop();
  });

  it("stops the run when renewals keep failing until the lease would lapse", async () => {
    const keeper = keep();
    const failure = new StateError("the state store timed out", {});
    renewals.answer = () => Promise.reject(failure);
    await advance(20_000);
    assert.equal(run.signal.aborted, false);
    await advance(20_000);
    assert.equal(run.signal.aborted, true);
    assert.equal(run.signal.reason, failure);
    await keeper.stop();
  });

  it("stops the run at once when the lease is lost", async () => {
    const keeper = keep();
    const lost = new LeaseLostError("k", "run-a", "run-b");
    renewals.answer = () => Promise.reject(lost);
    await advance(20_000);
    assert.equal(run.signal.reason, lost);
    await keeper.stop();
  });

  it("stops the run before the lease lapses when a renewal never answers", async () => {
    const keeper = keep();
    const answer = renewals.unanswered();
    await advance(20_000);
    assert.equal(run.signal.aborted, false);
    await advance(20_000);
    assert.equal(renewals.calls, 1);
    assert.ok(run.signal.reason instanceof StateError);
    assert.match((run.signal.reason as Error).message, /could not be renewed before it runs out/);
    answer(renewals.renewed(lease));
    await keeper.stop();
  });

  // Tried as an operator would: a run paused (SIGSTOP) past its lease stopped saying that the state
  // store did not answer, when its own process had not run.
  it("says the process stalled when the lease ran out between two late turns", async () => {
    const keeper = keep();
    const answer = renewals.unanswered();
    await advance(20_000);
    assert.equal(renewals.calls, 1);
    // Paused for 70 s: the timer's next turn comes 90 s after the start, past the lease's end.
    renewals.clock += 70_000;
    await advance(20_000);
    assert.ok(run.signal.reason instanceof StateError);
    assert.match(
      (run.signal.reason as Error).message,
      /ran out at 1970-01-01T00:01:00\.000Z while this process was stalled for 90 s/,
    );
    answer(renewals.renewed(lease));
    await keeper.stop();
  });

  // Tried as an operator would: a run paused past its lease, whose next renewal found another run
  // holding it, stopped advising to "renew leases well before they expire".
  it("says the process stalled when it finds its lease taken over after a late turn", async () => {
    const keeper = keep();
    // Paused for 70 s before the first turn: another run took the lease meanwhile.
    renewals.clock += 70_000;
    renewals.answer = () => Promise.reject(new LeaseLostError("k", "run-a", "run-b"));
    await advance(20_000);
    assert.ok(run.signal.reason instanceof StateError);
    assert.match(
      (run.signal.reason as Error).message,
      /ran out at 1970-01-01T00:01:00\.000Z while this process was stalled for 90 s .*run run-b holds it now/,
    );
    await keeper.stop();
  });
});
