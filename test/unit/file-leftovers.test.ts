// A process killed between writing a temporary file and renaming it over a state file or a
// --dead-letter file leaves `.<hex>.tmp` behind; a letters copy holds every letter. The file backend
// removes such leftovers once no writer can still rename them, and nothing else: a live writer's
// copy (another configuration sharing the directory), another program's file, a link.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FileDeadLetterStore } from "../../src/state/file/file-dead-letters.js";
import { LEFTOVER_AGE_MS } from "../../src/state/file/file-leftovers.js";
import { FileStateStore } from "../../src/state/file/file-state-store.js";
import { thingsLetter as letter } from "../support/letters.js";

/** A temporary file of synced's naming, last written `ageMs` ago. */
async function temporary(directory: string, hex: string, ageMs: number): Promise<string> {
  const path = join(directory, `.${hex}.tmp`);
  await writeFile(path, "{}\n", { mode: 0o600 });
  const then = new Date(Date.now() - ageMs);
  await utimes(path, then, then);
  return path;
}

/** A file at `path`, last written `ageMs` ago. */
async function aged(path: string, ageMs: number): Promise<void> {
  await writeFile(path, "host:1\n0123456789abcdef\n", { mode: 0o600 });
  const then = new Date(Date.now() - ageMs);
  await utimes(path, then, then);
}

const OLD = LEFTOVER_AGE_MS + 60_000;

describe("temporary files a killed process left", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "s1-leftovers-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("are removed beside a --dead-letter file once old, while a fresh copy and others' files stay", async () => {
    const directory = join(root, "letters");
    await mkdir(directory);
    const path = join(directory, "letters.ndjson");
    const store = new FileDeadLetterStore(path);
    await store.put([letter("app.app", "a")]);
    await temporary(directory, "0123456789ab", OLD);
    await temporary(directory, "probe-ba9876543210", OLD);
    // Another configuration's letters in the same directory, being rewritten right now.
    await temporary(directory, "ba9876543210", 1000);
    // Not of synced's naming, or not a file synced wrote.
    await temporary(directory, "notsyncedhex", OLD);
    await writeFile(join(directory, "notes.tmp"), "mine\n");
    await symlink(join(directory, "notes.tmp"), join(directory, ".aaaaaaaaaaaa.tmp"));
    // A letter put again rewrites the file.
    await new FileDeadLetterStore(path).put([letter("app.app", "a"), letter("app.app", "b")]);
    assert.deepEqual((await readdir(directory)).sort(), [
      ".aaaaaaaaaaaa.tmp",
      ".ba9876543210.tmp",
      ".notsyncedhex.tmp",
      "letters.ndjson",
      "notes.tmp",
    ]);
  });

  it("include a lock moved aside by a takeover that a kill cut short, once old", async () => {
    const directory = join(root, "gone");
    await mkdir(directory);
    const path = join(directory, "letters.ndjson");
    await new FileDeadLetterStore(path).put([letter("app.app", "a")]);
    // A process killed between moving a gone holder's lock aside and removing it.
    await aged(join(directory, "letters.ndjson.lock.0123456789ab.gone"), OLD);
    // Another file's takeover, right now.
    await aged(join(directory, "other.ndjson.lock.ba9876543210.gone"), 1000);
    await aged(join(directory, "mine.lock.notsyncedhex.gone"), OLD);
    await new FileDeadLetterStore(path).put([letter("app.app", "b")]);
    assert.deepEqual((await readdir(directory)).sort(), [
      "letters.ndjson",
      "mine.lock.notsyncedhex.gone",
      "other.ndjson.lock.ba9876543210.gone",
    ]);
  });

  it("are removed beside a checkpoint, a lease and the run history once old", async () => {
    const directory = join(root, "state");
    const store = await FileStateStore.open({ directory });
    await store.setCheckpoint("app.app", 1n, "run-0");
    const key = join(directory, "app.app");
    await mkdir(join(key, "lease"), { recursive: true });
    await mkdir(join(key, "runs"), { recursive: true });
    await temporary(key, "0123456789ab", OLD);
    await temporary(join(key, "lease"), "0123456789ac", OLD);
    await temporary(join(key, "runs"), "0123456789ad", OLD);
    await temporary(key, "ba9876543210", 1000);
    // The start-up check's probe, left by a kill between making it and removing it.
    await temporary(directory, "probe-0123456789ae", OLD);
    await temporary(directory, "probe-0123456789af", 1000);
    const next = await FileStateStore.open({ directory });
    await next.setCheckpoint("app.app", 2n, "run-1");
    assert.deepEqual((await readdir(directory)).sort(), [".probe-0123456789af.tmp", "app.app"]);
    assert.deepEqual((await readdir(key)).sort(), [`.ba9876543210.tmp`, "checkpoint.json", "lease", "runs"]);
    assert.deepEqual(await readdir(join(key, "lease")), []);
    assert.deepEqual(await readdir(join(key, "runs")), []);
    assert.equal((await next.getCheckpoint("app.app"))?.position, 2n);
  });
});
