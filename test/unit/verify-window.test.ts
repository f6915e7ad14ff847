// What verify says of the configuration's next run: the window that run reads. A key with no
// checkpoint of its own, beside the configuration's keys of another shard count, is read from where
// those covered every range, as the run does (reconcile/shard-partition.ts carriedStart).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runWindow } from "../../src/cli/verify-window.js";
import { loadConfig } from "../../src/config/load-config.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { stateKeyFor } from "../../src/state/state-key.js";
import { parseRunFlags } from "../support/flags.js";

const MINUTE = 60_000_000n;

describe("runWindow", () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), "synced-window-"));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  const options = async (name: string, ...extra: string[]) =>
    loadConfig({
      flags: await parseRunFlags(["-k", "app", "-i", "app", "--name", name, "--state", directory, ...extra]),
      env: {},
    });

  it("takes a new shard count's window from where the old count covered every range", async () => {
    const state = await FileStateStore.open({ directory });
    try {
      await state.setCheckpoint("app.shard-0-of-2", 1_000n * MINUTE, "run-a", ["things:to-es"]);
      await state.setCheckpoint("app.shard-1-of-2", 700n * MINUTE, "run-b", ["things:to-es"]);
    } finally {
      await state.close();
    }
    const sharded = await options("app", "--shard", "0/3", "--lookback", "10m");
    const window = await runWindow(sharded, stateKeyFor(sharded), {});
    assert.deepEqual(
      [window?.checkpoint, window?.lookbackFrom, window?.covers("things", "to-es")],
      [700n * MINUTE, 690n * MINUTE, true],
    );
    // Without a checkpoint anywhere the configuration's next run reads everything: no window.
    const other = await options("other");
    assert.equal(await runWindow(other, stateKeyFor(other), {}), undefined);
  });
});
