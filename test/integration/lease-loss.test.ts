// A run that loses its lease (another run took it over after a stall) stops at once and leaves the
// checkpoint alone: two runs of one configuration must never race on it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import cassandra from "cassandra-driver";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import type { Lease, StateStore } from "../../src/state/state-store.js";
import { Harness } from "../support/harness.js";
import { interpose } from "../support/interpose.js";

describe("losing the lease mid-run", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.create("lost");
    await h.cassandra.execute(`CREATE TABLE ${h.keyspace}.t (id uuid PRIMARY KEY, tmstmp timestamp, v int)`);
    await h.cassandra.execute(`INSERT INTO ${h.keyspace}.t (id, tmstmp, v) VALUES (?, ?, 1)`, [
      cassandra.types.Uuid.random(),
      new Date(Date.now() - 10_000),
    ]);
  });
  after(() => h.cleanup());

  it(
    "stops the run when another run takes the lease over, without moving the checkpoint",
    { timeout: 30_000 },
    async () => {
      const files = new FileStateStore({ directory: h.stateDir });
      let lost!: () => void;
      const renewalFailed = new Promise<void>((resolve) => (lost = resolve));
      // The real file store, reporting the moment a renewal finds the lease gone.
      const state: StateStore = Object.assign(Object.create(files) as StateStore, {
        renewLease: async (lease: Lease, ttlMs: number, now?: Date) => {
          try {
            return await files.renewLease(lease, ttlMs, now);
          } catch (error) {
            lost();
            throw error;
          }
        },
      });
      const { elasticsearch } = h.stores();
      const report = await h.runEngine({
        key: "lost",
        state,
        leaseTtlMs: 3_000,
        elasticsearch: interpose(elasticsearch, async () => {
          // Another run, whose clock says our lease expired long ago, takes it over.
          const later = new Date(Date.now() + 3_600_000);
          const thief = await files.acquireLease("lost", "other-run", "elsewhere:7", 60_000, later);
          assert.equal(thief.acquired, true);
          await renewalFailed;
        }),
      });
      assert.equal(report.outcome, "failed");
      assert.equal(report.error?.name, "LeaseLostError");
      assert.equal(await files.getCheckpoint("lost"), undefined);
    },
  );
});
