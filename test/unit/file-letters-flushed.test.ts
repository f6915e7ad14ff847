// A letter stands for a record that the run's checkpoint then passes: once the checkpoint is on disk
// (flushed and renamed), the letter must be too. A machine that stops (a node lost, power cut) keeps
// only what was flushed, so a letter left in the page cache was lost while the checkpoint past its
// record survived, and the record was never synced again.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FileDeadLetterStore } from "../../src/state/file/file-dead-letters.js";
import { flushedDuring } from "../support/flushed.js";
import { thingsLetter } from "../support/letters.js";

describe("dead letters on disk before put returns", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "synced-letters-flushed-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("flushes a new letters file and its directory entry", async () => {
    const path = join(root, "new.ndjson");
    const store = new FileDeadLetterStore(path);
    const flushed = await flushedDuring(root, () => store.put([thingsLetter("app", "a")]));
    assert.ok(flushed.includes(path), `the file was not flushed: ${flushed.join(", ")}`);
    assert.ok(flushed.includes(root), `its directory was not flushed: ${flushed.join(", ")}`);
  });

  it("flushes a letter appended to a file that exists", async () => {
    const path = join(root, "append.ndjson");
    const store = new FileDeadLetterStore(path);
    await store.put([thingsLetter("app", "a")]);
    const flushed = await flushedDuring(root, () => store.put([thingsLetter("app", "b")]));
    assert.ok(flushed.includes(path), `the append was not flushed: ${flushed.join(", ")}`);
  });

  it("flushes the directory once a rewrite is renamed over the file", async () => {
    const path = join(root, "rewrite.ndjson");
    const store = new FileDeadLetterStore(path);
    await store.put([thingsLetter("app", "a")]);
    const flushed = await flushedDuring(root, () =>
      store.put([thingsLetter("app", "a", { reason: "again" })]),
    );
    assert.equal(flushed.at(-1), root, `the rename was not flushed: ${flushed.join(", ")}`);
  });
});
