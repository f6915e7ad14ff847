// What holds a configuration's lease, as a run it keeps out and synced status name it: a run by its
// id, a replay of dead letters or a change of the checkpoint by its command, since neither of those
// leaves a run in the history under which to look for the id.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { commandOwner, ownerWords } from "../../src/reconcile/lease-owner.js";
import { replayLetters } from "../../src/reconcile/replay.js";
import { LeaseHeldError } from "../../src/reconcile/run-errors.js";
import { withLease } from "../../src/reconcile/with-lease.js";
import { MemoryRecordStore, MemorySchema, MemoryStateStore, planSettings } from "../support/memory-stores.js";

const KEY = "app.app";
const expires = new Date("2030-01-01T00:00:00Z");

describe("lease owners", () => {
  it("says a run's id, and which command holds the lease otherwise", () => {
    const held = (owner: string): string => new LeaseHeldError(KEY, "h:1:2", owner, expires, "/s").message;
    assert.match(
      held("0192aaaa-run"),
      /^another run of this configuration \(state key 'app\.app'\) is in progress: run 0192aaaa-run on h:1:2 holds the lease in \/s until 2030/,
    );
    assert.match(
      held(commandOwner("dead-letters replay", "0192bbbb")),
      /^a dead-letters replay of this configuration \(state key 'app\.app'\) is in progress: dead-letters replay 0192bbbb on h:1:2 holds the lease/,
    );
    assert.match(
      held(commandOwner("state set", "0192cccc")),
      /^a state set of this .*: state set 0192cccc on/,
    );
    assert.match(
      held(commandOwner("state reset", "0192dddd")),
      /^a state reset of this .*: state reset 0192dddd on/,
    );
    // A lease taken by an earlier release of synced, whose replays took it under their bare id.
    assert.equal(ownerWords("0192eeee"), "run 0192eeee");
  });

  it("keeps a run out while a replay holds the lease, naming the replay", async () => {
    const state = new MemoryStateStore();
    const signal = new AbortController().signal;
    let refusal: unknown;
    await replayLetters(
      {
        runId: "0192ffff",
        key: KEY,
        holder: "here:1:2",
        leaseTtlMs: 60_000,
        maxFutureMs: 3_600_000,
        plan: planSettings(),
        dryRun: false,
        createColumns: false,
      },
      {
        cassandra: new MemoryRecordStore("cassandra"),
        elasticsearch: new MemoryRecordStore("elasticsearch"),
        schema: new MemorySchema([]),
        state,
        signal,
        now: () => 0n,
        log: () => undefined,
        warn: () => undefined,
      },
      {
        // Called while the replay holds the lease: a run of the configuration starts now.
        chosen: async () => {
          const run = { state, key: KEY, owner: "0192run", holder: "there:3:4", ttlMs: 60_000, signal };
          refusal = await withLease({ ...run, log: () => undefined, warn: () => undefined }, () =>
            Promise.resolve(),
          ).catch((error: unknown) => error);
          return [];
        },
        settle: () => Promise.resolve(),
      },
    );
    assert.ok(refusal instanceof LeaseHeldError, String(refusal));
    assert.match(
      refusal.message,
      /^a dead-letters replay of this configuration .*: dead-letters replay 0192ffff on here:1:2/,
    );
  });
});
