// The one lease scope of a run, a replay and a change of the checkpoint: refused while another run
// holds the lease, stopped by a signal whenever it came, and let go however the work ended, without a
// failed release ever hiding the work's own result or error.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, flagSource } from "../../src/core/errors.js";
import { inCommandWords, lettersStop, PLAN_STOP, runStop, verifyStop } from "../../src/cli/stop-words.js";
import { InterruptedError, LeaseHeldError } from "../../src/reconcile/run-errors.js";
import { withLease, type LeaseScope } from "../../src/reconcile/with-lease.js";
import type { Lease } from "../../src/state/state-store.js";
import { MemoryStateStore } from "../support/memory-stores.js";

class ReleaseFails extends MemoryStateStore {
  override releaseLease(): Promise<void> {
    return Promise.reject(new Error("state store gone"));
  }
}

function scope(state: MemoryStateStore, signal = new AbortController().signal) {
  const logged: string[] = [];
  const warned: { message: string; fields?: Record<string, unknown> }[] = [];
  const value: LeaseScope = {
    state,
    key: "app.app",
    owner: "run-1",
    holder: "here:1",
    ttlMs: 60_000,
    signal,
    log: (message) => {
      logged.push(message);
    },
    warn: (message, fields) => {
      warned.push({ message, ...(fields === undefined ? {} : { fields }) });
    },
  };
  return { scope: value, logged, warned };
}

describe("withLease", () => {
  it("holds the lease while the work runs, and lets it go after", async () => {
    const state = new MemoryStateStore();
    const { scope: s } = scope(state);
    const owner = await withLease(s, () => state.getLease("app.app").then((l) => l?.owner));
    assert.equal(owner, "run-1");
    assert.equal(state.leases.size, 0);
  });

  it("refuses the work while another live run holds the lease, and leaves that lease alone", async () => {
    const state = new MemoryStateStore();
    await state.acquireLease("app.app", "other-run", "there:2", 60_000);
    const { scope: s } = scope(state);
    let ran = false;
    await assert.rejects(
      withLease(s, () => {
        ran = true;
        return Promise.resolve();
      }),
      LeaseHeldError,
    );
    assert.equal(ran, false);
    assert.equal(state.leases.get("app.app")?.owner, "other-run");
  });

  it("lets the lease go when the work fails, and rethrows the work's error", async () => {
    const state = new MemoryStateStore();
    const { scope: s } = scope(state);
    await assert.rejects(
      withLease(s, () => Promise.reject(new Error("table failed"))),
      /table failed/,
    );
    assert.equal(state.leases.size, 0);
  });

  it("hands the work a stopped signal when the stop came before the lease was taken", async () => {
    const stop = new AbortController();
    stop.abort(new Error("SIGTERM"));
    const state = new MemoryStateStore();
    const { scope: s } = scope(state, stop.signal);
    const seen = await withLease(s, ({ signal }) => Promise.resolve([signal.aborted, signal.reason]));
    assert.deepEqual(seen, [true, stop.signal.reason]);
    assert.equal(state.leases.size, 0);
  });

  it("stops the work on a signal that comes while it runs", async () => {
    const stop = new AbortController();
    const { scope: s } = scope(new MemoryStateStore(), stop.signal);
    const reason = await withLease(
      s,
      ({ signal }) =>
        new Promise<unknown>((resolve) => {
          signal.addEventListener("abort", () => {
            resolve(signal.reason);
          });
          stop.abort("SIGINT");
        }),
    );
    assert.equal(reason, "SIGINT");
  });

  it("warns of a release that fails, with until when and what to check, never over the work's result or error", async () => {
    const state = new ReleaseFails();
    const ok = scope(state);
    assert.equal(await withLease(ok.scope, () => Promise.resolve(42)), 42);
    const lease = state.leases.get("app.app");
    assert.ok(lease, "the lease is still stored");
    const expiresAt = lease.expiresAt.toISOString();
    // A warning: the next run elsewhere is refused until then, which someone may have to look at.
    assert.deepEqual(ok.logged, []);
    assert.deepEqual(ok.warned, [
      {
        message:
          `could not release the lease of state key app.app in ${state.location}: it runs out by itself ` +
          `at ${expiresAt}, and until then a run of this configuration on another host or in another ` +
          "container is refused with exit 4; check that this host reaches the state store and that it " +
          "takes writes",
        fields: { key: "app.app", error: "state store gone", expiresAt },
      },
    ]);

    const failing = scope(new ReleaseFails());
    await assert.rejects(
      withLease(failing.scope, () => Promise.reject(new Error("checkpoint write refused"))),
      /checkpoint write refused/,
    );
    assert.equal(failing.warned.length, 1);
    assert.deepEqual(failing.logged, []);
  });

  it("says a refusal of the work left the lease held, and until when, where the release failed", async () => {
    const refusal = (): ConfigError =>
      new ConfigError(
        "tables",
        flagSource("tables"),
        "'thngs' is neither a table nor a type; nothing was done.",
        {
          details: { name: "thngs" },
        },
      );
    const kept = new ReleaseFails();
    await assert.rejects(
      withLease(scope(kept).scope, () => Promise.reject(refusal())),
      (error: unknown) => {
        const lease = kept.leases.get("app.app");
        assert.ok(lease);
        // The same refusal, with its exit code and option, and the lease's end.
        assert.ok(error instanceof ConfigError);
        assert.equal(error.kind, "usage");
        assert.equal(error.option, "tables");
        assert.equal(
          error.message,
          "flag --tables: 'thngs' is neither a table nor a type; nothing was done. The lease could not be " +
            `released and runs out at ${lease.expiresAt.toISOString()}: until then a run of this configuration ` +
            "on another host or in another container is refused with exit 4. The release failed: state store gone",
        );
        assert.deepEqual(error.details, {
          option: "tables",
          source: "flag --tables",
          name: "thngs",
          leaseExpiresAt: lease.expiresAt.toISOString(),
        });
        return true;
      },
    );
    // A lease released leaves the refusal as it was.
    const thrown = refusal();
    await assert.rejects(
      withLease(scope(new MemoryStateStore()).scope, () => Promise.reject(thrown)),
      (error: unknown) => error === thrown,
    );
  });

  it("says what a stopped replay or verify leaves, not that a checkpoint it never moves did not move", async () => {
    const stop = new AbortController();
    stop.abort(new InterruptedError("SIGTERM", undefined, lettersStop("replay", false)));
    const replay = withLease(scope(new MemoryStateStore(), stop.signal).scope, ({ signal }) => {
      signal.throwIfAborted();
      return Promise.resolve();
    });
    await assert.rejects(replay, (error: Error) => {
      assert.equal(
        error.message,
        "stopped by SIGTERM; every letter still waits: replay again (a record already written is then " +
          "found equal, and its letter removed); the lease was released",
      );
      return true;
    });
    assert.match(
      new InterruptedError("SIGINT", undefined, verifyStop(true)).message,
      /verify --repair again/,
    );
    assert.doesNotMatch(
      new InterruptedError("SIGINT", undefined, verifyStop(false)).message,
      /checkpoint did not/,
    );
    assert.doesNotMatch(new InterruptedError("SIGINT", undefined, PLAN_STOP).message, /checkpoint did not/);
    assert.doesNotMatch(
      new InterruptedError("SIGINT", undefined, runStop(true)).message,
      /checkpoint did not/,
    );
    assert.match(
      new InterruptedError("SIGINT", undefined, runStop(false)).message,
      /checkpoint did not move/,
    );
    // A dry run of a letters action changes nothing, so there is nothing to do again.
    for (const action of ["replay", "purge"] as const) {
      const dry = new InterruptedError("SIGINT", undefined, lettersStop(action, true)).message;
      assert.match(dry, new RegExp(`a dry run of ${action} changes no letter`), action);
      assert.doesNotMatch(dry, /again|already/, action);
    }
    assert.match(lettersStop("purge", false), /purge again/);
  });

  it("says what a command a store stopped leaves, in that command's words", () => {
    const said = "index x is blocked. The run stopped without moving the checkpoint; run again later.";
    assert.equal(inCommandWords(said, runStop(false)), said);
    const replay = inCommandWords(said, lettersStop("replay", false));
    // A run would not touch the letters: the store's "run again" is a replay's to do again, said once.
    assert.match(replay, /It stopped, and every letter still waits; replay again later\.$/);
    assert.doesNotMatch(replay, /run again/);
    const flood =
      "a node's disk passed its flood-stage watermark. The run stopped without moving the checkpoint; " +
      "free disk space or add nodes, then run again.";
    assert.match(
      inCommandWords(flood, lettersStop("replay", false)),
      /It stopped, and every letter still waits; free disk space or add nodes, then replay again\.$/,
    );
    assert.match(
      inCommandWords(said, verifyStop(true)),
      /It stopped, and verify leaves the checkpoint alone/,
    );
    assert.match(inCommandWords(said, PLAN_STOP), /It stopped, and plan writes nothing/);
    // A verify --repair into an index blocked for writes: the command to repeat is verify's, not a run.
    const blocked =
      'index x is blocked for writes (cluster_block_exception). Lift the block (PUT x/_settings {"index.blocks.write": null}) ' +
      "and run again. The run stopped without moving the checkpoint.";
    const again: [string, RegExp][] = [
      [verifyStop(true), /and verify --repair again\. It stopped, and verify leaves/],
      [verifyStop(false), /and verify again\. It stopped, and verify writes nothing/],
      [PLAN_STOP, /and plan again\. It stopped, and plan writes nothing/],
      [lettersStop("purge", false), /and purge again\. It stopped, and some letters/],
    ];
    for (const [kept, words] of again) {
      const told = inCommandWords(blocked, kept);
      assert.match(told, words, told);
      assert.doesNotMatch(told, /run again/, told);
    }
    for (const kept of [lettersStop("purge", false), verifyStop(false), runStop(true)]) {
      assert.doesNotMatch(inCommandWords(said, kept), /The run stopped/, kept);
    }
  });

  it("says a stop by a signal released the lease only once it did, and otherwise when it runs out", async () => {
    const stopped = (state: MemoryStateStore) => {
      const stop = new AbortController();
      stop.abort(new InterruptedError("SIGTERM"));
      return withLease(scope(state, stop.signal).scope, ({ signal }) => {
        signal.throwIfAborted();
        return Promise.resolve();
      });
    };
    await assert.rejects(stopped(new MemoryStateStore()), (error: Error) => {
      assert.equal(error.message, "stopped by SIGTERM; the checkpoint did not move; the lease was released");
      return true;
    });
    const kept = new ReleaseFails();
    await assert.rejects(stopped(kept), (error: Error) => {
      const lease = kept.leases.get("app.app");
      assert.ok(lease);
      assert.equal(
        error.message,
        "stopped by SIGTERM; the checkpoint did not move; the lease could not be released and runs out at " +
          `${lease.expiresAt.toISOString()}: until then a run of this configuration on another host or in ` +
          "another container is refused with exit 4. The release failed: state store gone",
      );
      return true;
    });
  });

  // Tried as an operator would: a release retried past the lease's end said it "runs out at" a time
  // already gone, and that runs elsewhere stay refused until then.
  it("says a lease whose release failed after its end has run out, and the next run takes it at once", async () => {
    const state = new ReleaseFails();
    const late = scope(state);
    const s: LeaseScope = {
      ...late.scope,
      now: () => new Date((state.leases.get("app.app")?.expiresAt.getTime() ?? 0) + 1000),
    };
    await assert.rejects(
      withLease(s, () =>
        Promise.reject(new ConfigError("tables", flagSource("tables"), "nothing was done.")),
      ),
      (error: Error) => {
        const expiresAt = state.leases.get("app.app")?.expiresAt.toISOString() ?? "";
        assert.match(
          error.message,
          new RegExp(
            `The lease could not be released and ran out at ${expiresAt.replaceAll(".", "\\.")}: the next ` +
              "run of this configuration takes it at once\\. The release failed: state store gone$",
          ),
        );
        assert.doesNotMatch(error.message, /until then|runs out/);
        return true;
      },
    );
    assert.equal(late.warned.length, 1);
    assert.match(
      late.warned[0]?.message ?? "",
      /: it ran out at .*, so the next run of this configuration takes it at once;/,
    );
    assert.doesNotMatch(late.warned[0]?.message ?? "", /until then|runs out/);
  });

  it("says when it took over an expired lease", async () => {
    const state = new MemoryStateStore();
    const stale: Lease = {
      key: "app.app",
      owner: "crashed",
      holder: "there:2",
      acquiredAt: new Date(0),
      expiresAt: new Date(1000),
    };
    state.acquireLease = (key, owner, holder, ttlMs) => {
      const lease = { key, owner, holder, acquiredAt: new Date(), expiresAt: new Date(Date.now() + ttlMs) };
      return Promise.resolve({ acquired: true, lease, tookOverFrom: stale });
    };
    const { scope: s, logged } = scope(state);
    await withLease(s, () => Promise.resolve());
    assert.deepEqual(logged, ["took over an expired lease"]);
  });
});
