// A checkpoint file is written to a flushed copy renamed over it; the rename is a change of its
// directory, on disk only once the directory is flushed. A machine that stops before the file system
// gets to it comes back with the checkpoint before the run, or none at all for a first run, where the
// run's writes and its run history said it had moved.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { flushedDuring } from "../support/flushed.js";

describe("a checkpoint on disk before setCheckpoint returns", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "synced-checkpoint-flushed-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("flushes the key's directory once the checkpoint is renamed into it, and the state directory for a new key", async () => {
    const directory = join(root, "state");
    const store = await FileStateStore.open({ directory });
    const key = join(directory, "app.app");
    const first = await flushedDuring(root, () => store.setCheckpoint("app.app", 1n, "run-0"));
    assert.ok(first.includes(key), `the rename was not flushed: ${first.join(", ")}`);
    assert.ok(
      first.includes(directory),
      `the new key's directory entry was not flushed: ${first.join(", ")}`,
    );
    const next = await flushedDuring(root, () => store.setCheckpoint("app.app", 2n, "run-1"));
    assert.equal(next.at(-1), key, `the rename was not flushed: ${next.join(", ")}`);
  });

  it("flushes the run history's directory once a run is renamed into it", async () => {
    const directory = join(root, "runs");
    const store = await FileStateStore.open({ directory });
    const flushed = await flushedDuring(root, () =>
      store.appendRun({
        key: "app.app",
        runId: "run-0",
        startedAt: new Date(0),
        finishedAt: new Date(1000),
        begin: 0n,
        end: 1n,
        durationMs: 1000,
        outcome: "success",
        counts: {},
      }),
    );
    assert.ok(flushed.includes(join(directory, "app.app", "runs")), `not flushed: ${flushed.join(", ")}`);
  });
});
